# Intake, complaints and the stored screening result arrive with the intake issue.
