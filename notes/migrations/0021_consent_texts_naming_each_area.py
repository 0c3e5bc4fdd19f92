"""New versions of both consent texts: the sensitive areas named one by one (each agreed or not), the support
person, stopping and withdrawing, and the alternatives. Earlier versions stay as they were: consents signed on them
keep pointing at the words that were read."""

from django.db import migrations

TREATMENT = """What will be done and why: massage therapy for the problem we talked about, after we have asked about your health, following the treatment plan we agree on (how often: usually once a week to once every few weeks; we tell you the plan's frequency and ask again if it changes).

Positioning and draping: you lie on your back, front or side, with pillows for comfort. You stay covered with a sheet or towel; only the area being worked on is uncovered, and only with your agreement. You may keep on any clothing you wish.

Breathing: breathe normally; we may ask you to breathe out slowly as we work.

What you may feel: pressure, warmth, tenderness, or mild soreness for a day or two afterwards. Tell us at once if anything is too much; we will change the pressure or stop.

Risks: soreness for a day or two; bruising, which is more likely if you take blood thinners (tell us if you do); rarely dizziness or nausea afterwards.

Support person: you may have a support person of your choice with you in the room.

Your choices: questions are welcome at any time. You may say stop, or withdraw your consent, at any time, without giving a reason; that will not affect your care here.

Alternatives: other treatments, no treatment, or seeing a physician or another health professional first.

Your records are kept private and are seen only by the people caring for you."""

SENSITIVE_AREAS = """Some areas of the body are sensitive. We work on each one only if you agree to it, and you choose area by area below: the abdomen (belly); the front of the hip and the upper inner thigh (near the crease of the groin); the gluteal region (buttock); the chest wall (the muscles between and around the ribs); the breast (only at your request, for a clinical reason).

What will be done and why: slow, gentle pressure on the muscles of the area you agree to. In the lower abdomen, below the belly button and to the side, this reaches the hip flexor muscles (the iliopsoas), which are often part of low back pain, pain at the front of the hip or leg, and deep hip pain; reaching them also means working at the front of the hip and the upper inner thigh. Gluteal and chest wall muscles are treated for pain and tension of the hip, low back, shoulder and breathing muscles.

Positioning and draping: you lie on your back or side with pillows for comfort. You stay covered; only the area being worked on is uncovered, and only with your agreement. The groin, the genitals and the nipples are never uncovered or touched.

Breathing: breathe normally; we may ask you to breathe out slowly while we work, which lets the muscles soften.

What you may feel: pressure, tenderness, a pulse under the hand (which we move away from), sensations travelling to the back, hip or leg, or an emotional response. These usually pass quickly.

Risks: mild soreness for a day or two; bruising, more likely if you take blood thinners (tell us if you do).

How often: as in your treatment plan; we ask for your consent again when the plan changes.

At each visit: before we work on an area that needs it, we ask you to initial that area on the tablet; and we ask you again, out loud, before each part of the work.

Support person: you may have a support person of your choice present during the treatment.

Saying stop: you may say "stop" at any time, for any reason or none, and we stop at once. You may withdraw this consent, for one area or all of them, at any time without giving a reason; your other care continues.

Alternatives: work that avoids these areas (other muscles of the low back, hip, leg and shoulder); stretching and exercises at home; seeing a physician or physiotherapist; or no treatment."""


def publish(apps, schema_editor):
    ConsentText = apps.get_model("notes", "ConsentText")
    for kind, title, text in (
        ("treatment", "Consent to massage therapy", TREATMENT),
        (
            "abdominal",
            "Consent to treatment of sensitive areas (abdomen, front of the hip and upper inner thigh, gluteal "
            "region, chest wall, breast)",
            SENSITIVE_AREAS,
        ),
    ):
        latest = ConsentText.objects.filter(kind=kind).order_by("-version").first()
        if latest is not None and latest.text == text:
            continue
        ConsentText.objects.create(kind=kind, version=(latest.version + 1) if latest else 1, title=title, text=text)


class Migration(migrations.Migration):
    dependencies = [("notes", "0020_consent_areas_and_substitute_decision_makers")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
