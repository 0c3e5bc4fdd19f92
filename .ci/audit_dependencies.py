"""pip-audit on requirements.txt as a CI gate: fail on a known vulnerability, never on an unreachable advisory source.

pip-audit asks PyPI's JSON API (or OSV) about each pinned package. Where that source cannot be reached, pip-audit
either crashes with a connection error (OSV) or reports every package as "skipped" and says "No known
vulnerabilities found" (PyPI's JSON API refused): both mean NOT AUDITED, which this script says loudly instead of
passing quietly or failing the build. Extra arguments go to pip-audit (e.g. --ignore-vuln ID, -s osv).
"""

import json
import subprocess  # nosec B404
import sys
from dataclasses import dataclass

NETWORK_ERRORS = ("ConnectionError", "NameResolutionError", "Max retries exceeded", "Temporary failure", "timed out")


@dataclass
class Verdict:
    exit_code: int
    message: str
    audited: bool = True


def judge(returncode: int, stdout: str, stderr: str) -> Verdict:
    try:
        report = json.loads(stdout)
        dependencies = report["dependencies"]
    except (ValueError, KeyError, TypeError):
        if any(marker in stderr for marker in NETWORK_ERRORS):
            unreachable = "pip-audit: NOT AUDITED - the advisory source is unreachable from here. " + _last(stderr)
            return Verdict(0, unreachable, audited=False)
        return Verdict(returncode or 2, "pip-audit failed to run:\n" + stderr.strip())
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    if vulnerable:
        lines = [f"pip-audit: {len(vulnerable)} vulnerable package(s) in requirements.txt:"]
        for dependency in vulnerable:
            for vuln in dependency["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
                lines.append(f"  {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in: {fixed})")
        return Verdict(1, "\n".join(lines))
    if dependencies and not audited:
        return Verdict(
            0,
            f"pip-audit: NOT AUDITED - none of the {len(dependencies)} packages could be checked; the advisory "
            f"source is unreachable from here ({skipped[0]['skip_reason']}). Run `make audit` where PyPI's JSON API "
            "or OSV answers.",
            audited=False,
        )
    message = f"pip-audit: {audited} package(s) checked, no known vulnerabilities."
    if skipped:
        message += " Not checked: " + "; ".join(d["skip_reason"] for d in skipped)
    return Verdict(0, message)


def _last(text: str) -> str:
    lines = text.strip().splitlines()
    return lines[-1][:300] if lines else ""


def audit(arguments: list[str]) -> Verdict:
    command = [
        *(sys.executable, "-m", "pip_audit", "--requirement", "requirements.txt"),
        # Every runtime dependency is pinned in requirements.txt: audit those pins, install nothing.
        *("--no-deps", "--disable-pip", "--progress-spinner", "off", "--format", "json"),
        *arguments,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    return judge(result.returncode, result.stdout, result.stderr)


def main(arguments: list[str]) -> int:
    verdict = audit(arguments)
    if not verdict.audited and not {"-s", "--vulnerability-service"} & set(arguments):
        print(verdict.message)  # noqa: T201
        print("pip-audit: trying the other advisory source, OSV")  # noqa: T201
        verdict = audit([*arguments, "--vulnerability-service", "osv"])
    print(verdict.message)  # noqa: T201
    return verdict.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
