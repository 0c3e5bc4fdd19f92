# Consent, treatment sessions, feedback and addenda arrive with the sessions issue.
