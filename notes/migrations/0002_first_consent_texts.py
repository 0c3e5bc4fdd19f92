"""The first version of each consent text, in plain language. Later versions are published by clinic admins."""

from django.db import migrations

TREATMENT = """What this is: massage therapy for the problem we talked about, after we have asked about your health.

What may happen: you may feel pressure, warmth, tenderness or mild soreness for a day or two afterwards. Tell us at once if anything is too much; we will change the pressure or stop.

Draping: you stay covered with a sheet or towel; only the area being worked on is uncovered, and only with your agreement.

Your choices: you may ask questions at any time. You may say stop, or withdraw your consent, at any time, without giving a reason; that will not affect your care here.

Alternatives: other treatments, no treatment, or seeing a physician or another health professional first.

Your records are kept private and are seen only by the people caring for you."""

ABDOMINAL = """What this is: slow, gentle pressure in the lower abdomen (belly), below the belly button and to the side, to reach the hip flexor muscles (the iliopsoas: psoas major and iliacus). Reaching them also means working at the front of the hip and the upper inner thigh, near the crease of the groin (the inguinal ligament). These are sensitive areas: we ask for your written consent before this work, and we ask you again, out loud, at each treatment before we start.

Why: these muscles are often part of low back pain, pain at the front of the hip or leg, and deep hip pain, and they are easy to miss.

How it is done: slowly, a little at a time, with you involved. We will ask you often how it feels: comfortable, tender, a sensation somewhere else, or too much. You guide the pressure.

What you may feel: pressure, tenderness, a pulse under the hand (which we move away from), sensations travelling to the back, hip or leg, or an emotional response. These usually pass quickly. Mild soreness for a day or two can happen.

Draping: you stay covered. Only the area being worked on is uncovered, and only with your agreement; the groin itself is never uncovered or touched.

Saying stop: you may say "stop" at any time, for any reason or none, and we stop at once. You may withdraw this consent at any time without giving a reason; your other care continues.

Alternatives: work on other muscles of the low back, hip and leg only; stretching and exercises at home; or seeing a physician or physiotherapist."""


def publish(apps, schema_editor):
    ConsentText = apps.get_model("notes", "ConsentText")
    ConsentText.objects.get_or_create(
        kind="treatment", version=1, defaults={"title": "Consent to massage therapy", "text": TREATMENT}
    )
    ConsentText.objects.get_or_create(
        kind="abdominal",
        version=1,
        defaults={
            "title": "Consent to abdominal / iliopsoas work (lower abdomen, front of the hip, upper inner thigh)",
            "text": ABDOMINAL,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("notes", "0001_initial")]

    operations = [migrations.RunPython(publish, migrations.RunPython.noop)]
