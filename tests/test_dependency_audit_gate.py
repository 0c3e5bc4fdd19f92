"""The pip-audit CI gate (.ci/audit_dependencies.py): fails on a real finding, never on an unreachable source."""

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "audit_dependencies.py"


@pytest.fixture(scope="module")
def gate():
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def report(*dependencies) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


DJANGO_OK = {"name": "django", "version": "5.2.19", "vulns": []}
DJANGO_VULNERABLE = {
    "name": "django",
    "version": "4.2.0",
    "vulns": [{"id": "PYSEC-2023-100", "fix_versions": ["4.2.2"], "aliases": ["CVE-2023-36053"]}],
}


def skipped(name, version):
    return {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be audited: {name} ({version})"}


def test_a_known_vulnerability_fails_the_build_and_names_the_fix(gate):
    verdict = gate.judge(1, report(DJANGO_VULNERABLE, DJANGO_OK), "")

    assert verdict.exit_code == 1
    assert "django 4.2.0: PYSEC-2023-100 (fixed in: 4.2.2)" in verdict.message


def test_a_clean_report_passes(gate):
    verdict = gate.judge(0, report(DJANGO_OK, {"name": "whitenoise", "version": "6.12.0", "vulns": []}), "")

    assert (verdict.exit_code, verdict.audited) == (0, True)
    assert "2 package(s) checked, no known vulnerabilities" in verdict.message


def test_every_package_skipped_is_reported_as_not_audited_without_failing(gate):
    verdict = gate.judge(0, report(skipped("django", "5.2.19"), skipped("gunicorn", "27.0.1")), "")

    assert (verdict.exit_code, verdict.audited) == (0, False)
    assert "NOT AUDITED" in verdict.message and "none of the 2 packages" in verdict.message


def test_an_unreachable_osv_is_reported_as_not_audited_without_failing(gate):
    stderr = "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev'): Max retries exceeded"

    verdict = gate.judge(1, "", stderr)

    assert (verdict.exit_code, verdict.audited) == (0, False)
    assert "NOT AUDITED" in verdict.message


def test_any_other_crash_fails_the_build(gate):
    verdict = gate.judge(2, "", "pip-audit: error: unrecognized arguments: --bogus")

    assert verdict.exit_code == 2
    assert "unrecognized arguments" in verdict.message


def test_a_finding_fails_even_when_other_packages_were_skipped(gate):
    verdict = gate.judge(1, report(DJANGO_VULNERABLE, skipped("private-lib", "1.0")), "")

    assert verdict.exit_code == 1
