"""Builds what gets deployed, from the repository as it is: the Lambda zip and the skill package.

    python -m skill.build.package lambda [--out build/lambda.zip] [--platform lambda|local]
        [--into DIR]
    python -m skill.build.package skill-package [--out build/skill-package] [--endpoint ARN]
        [--privacy-policy-url URL] [--terms-of-use-url URL] [--submission]
    python -m skill.build.package lock

`sam build` runs the first one (template.yaml: BuildMethod makefile -> `make build-SkillFunction`),
so the artifact SAM deploys and the zip `make package` prints the size of are the same file set:
skill/ without what only a developer uses (the simulator, the web service, build tools), the
content data, and exactly the pinned runtime dependencies of requirements-lambda.txt.

Dependencies are installed with `--no-deps` from that fully pinned list, for the Lambda's platform
(CPython 3.13 on arm64) whatever machine builds it. The AWS SDK (boto3, botocore, s3transfer,
jmespath) is left out on purpose: every Lambda Python runtime provides it, the adapter uses only
GetItem/PutItem/DeleteItem, which no boto3 release has changed in years, and shipping it would
make the zip several times larger and every cold start slower. `lock` regenerates the pinned list
from pyproject.toml's `dependencies` plus the `aws` extra.

The artifact also carries what a cold start would otherwise redo on every start, because Lambda's
/var/task is read-only: the content parsed once (.state/content-cache.json, so no YAML runs) and
bytecode compiled by a Python of the runtime's version (this one, or python3.13 on PATH or from
pyenv; without one the build says so and ships sources only).

Standard library only: SAM runs this with whatever `python3` (with pip) the builder has.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements-lambda.txt"
SKILL_JSON = ROOT / "deploy" / "skill.json"
IMAGES_DIR = ROOT / "deploy" / "assets" / "images"   # skill/build/icons.py draws them
# manifest key -> (the committed file, its side in pixels, as Amazon asks)
ICONS = {"smallIconUri": ("small-icon.png", 108), "largeIconUri": ("large-icon.png", 512)}

LAMBDA_RUNTIME = "python3.13"            # template.yaml Runtime (a test keeps them equal)
LAMBDA_ARCHITECTURE = "arm64"            # template.yaml Architectures
LAMBDA_PYTHON_VERSION = "3.13"
LAMBDA_PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64")
# Provided by the Lambda Python runtime; never shipped (see the module docstring).
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer", "jmespath"})

# Under skill/: what the Lambda never imports. Paths relative to the repository root.
EXCLUDED_SOURCES = (
    "skill/simulator",      # the local simulator
    "skill/web",            # the Flask web service and its request verification
    "skill/build",          # these build tools: the model generator and the packager
)
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)     # zip entry times: the same sources give the same zip


def _is_excluded(relative: str) -> bool:
    return any(relative == path or relative.startswith(path + "/") for path in EXCLUDED_SOURCES)


def source_files(root: Path = ROOT) -> list[tuple[Path, str]]:
    """(file, name in the zip) for the skill's own code and its content data."""
    files = []
    for path in sorted((root / "skill").rglob("*")):
        relative = path.relative_to(root).as_posix()
        if (path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
                and not _is_excluded(relative)):
            files.append((path, relative))
    for path in sorted((root / "content").rglob("*")):
        # the data the loader reads; content/README.md is documentation, not content
        if path.is_file() and path.suffix != ".md" and "__pycache__" not in path.parts:
            files.append((path, path.relative_to(root).as_posix()))
    return files


def pip_platform_args(platform: str) -> list[str]:
    """pip options selecting wheels for the Lambda ('lambda') or for this interpreter ('local')."""
    if platform == "local":
        return []
    if platform != "lambda":
        raise ValueError(f"unknown platform {platform!r}: use 'lambda' or 'local'")
    args = []
    for tag in LAMBDA_PLATFORMS:
        args += ["--platform", tag]
    return [*args, "--python-version", LAMBDA_PYTHON_VERSION, "--implementation", "cp"]


def install_dependencies(target: Path, platform: str = "lambda") -> None:
    """Exactly the pinned requirements, as binary wheels, into `target`."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
               "--no-deps", "--only-binary=:all:", "--no-compile", "--target", str(target),
               "--requirement", str(REQUIREMENTS), *pip_platform_args(platform)]
    subprocess.run(command, check=True)
    for leftover in ("bin", "__pycache__"):   # console scripts and caches have no use in Lambda
        shutil.rmtree(target / leftover, ignore_errors=True)


def target_python(platform: str = "lambda") -> str | None:
    """An interpreter of the version the artifact runs on ('local': this one), or None.

    Bytecode is specific to a Python version, so only such an interpreter may compile it: this
    one when it matches, else `python3.13` on PATH or installed by pyenv.
    """
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    wanted = LAMBDA_PYTHON_VERSION if platform == "lambda" else running
    if running == wanted:
        return sys.executable
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [shutil.which(f"python{wanted}"),
                  *sorted(map(str, pyenv.glob(f"{wanted}.*/bin/python{wanted}")))]
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-I", "-c", "import sys; print(sys.executable)"],
                               capture_output=True, text=True, env={"PATH": os.defpath})
        if probe.returncode == 0:
            return probe.stdout.strip()
    return None


def write_content_cache(directory: Path) -> Path:
    """Parse the content once at build time, so a cold start neither imports nor runs YAML.

    skill.content reads the cache at .state/content-cache.json next to content/ (its default)
    and still checks every file against it, so a cache that does not match is simply unused.
    """
    code = ("import sys; from pathlib import Path; root = Path(sys.argv[1]); "
            "sys.path.insert(0, str(root)); from skill.content import load_content; "
            "load_content(root / 'content', root / '.state' / 'content-cache.json')")
    subprocess.run([sys.executable, "-I", "-S", "-B", "-c", code, str(directory)], check=True)
    return directory / ".state" / "content-cache.json"


def compile_bytecode(directory: Path, python: str, platform: str) -> None:
    """Ship .pyc files: Lambda's /var/task is read-only, so a cold start cannot cache its own.

    Unchecked hashes, because the zip's fixed timestamps would make timestamp-based .pyc files
    look stale; paths in tracebacks are rewritten to where Lambda unpacks the code.
    """
    relocate = ["-s", str(directory), "-p", "/var/task"] if platform == "lambda" else []
    # -W: the SDK's own sources have invalid escapes in docstrings; compiling them is not news.
    subprocess.run([python, "-I", "-W", "ignore::SyntaxWarning", "-m", "compileall", "-q",
                    "-j", "0", "--invalidation-mode", "unchecked-hash", *relocate, str(directory)],
                   check=True, stdout=subprocess.DEVNULL)


def build_lambda_dir(into: Path, platform: str = "lambda") -> Path:
    """The unpacked Lambda artifact in `into` (SAM's ARTIFACTS_DIR, or a temporary directory).

    `into` must be empty: pip leaves packages already in a target alone, so a stale directory
    would silently mix old versions into the artifact.
    """
    if into.exists() and any(into.iterdir()):
        raise ValueError(f"{into} is not empty; the artifact must hold nothing else")
    into.mkdir(parents=True, exist_ok=True)
    install_dependencies(into, platform)
    for path, name in source_files():
        destination = into / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    write_content_cache(into)
    python = target_python(platform)
    if python is None:
        print(f"note: no Python {LAMBDA_PYTHON_VERSION} here, so the artifact carries no "
              "bytecode and every cold start compiles it (several times slower); install it, "
              "or build with `sam build --use-container`", file=sys.stderr)
    else:
        compile_bytecode(into, python, platform)
    return into


def zip_dir(directory: Path, out: Path) -> Path:
    """A reproducible zip of `directory`: sorted names, fixed times, world-readable files.

    Its __pycache__ folders are the bytecode compile_bytecode wrote (pip's own is never kept).
    """
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(directory.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(path.relative_to(directory).as_posix(), _FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o100644 << 16   # Lambda runs as another user: readable
                archive.writestr(info, path.read_bytes())
    return out


def unpacked_size(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


def build_lambda_zip(out: Path, platform: str = "lambda") -> tuple[Path, int, int]:
    """Build the zip; returns (path, zipped bytes, unpacked bytes)."""
    with tempfile.TemporaryDirectory(prefix="lambda-") as scratch:
        directory = build_lambda_dir(Path(scratch) / "package", platform)
        zip_dir(directory, out)
        return out, out.stat().st_size, unpacked_size(directory)


def top_level_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """What the Lambda imports: pyproject's `dependencies` plus its `aws` extra."""
    import tomllib  # Python 3.11+; only `lock` needs it, so `sam build` runs on older pythons

    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["aws"]]


def lock(out: Path = REQUIREMENTS) -> list[str]:
    """Resolve the Lambda's requirements for its platform and pin them (minus the AWS SDK)."""
    with tempfile.TemporaryDirectory(prefix="lock-") as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--dry-run",
                        "--disable-pip-version-check", "--ignore-installed",
                        "--only-binary=:all:", "--report", str(report),
                        *pip_platform_args("lambda"), *top_level_requirements()], check=True)
        resolved = json.loads(report.read_text(encoding="utf-8"))["install"]
    pins = sorted(f"{item['metadata']['name'].lower()}=={item['metadata']['version']}"
                  for item in resolved
                  if item["metadata"]["name"].lower() not in RUNTIME_PROVIDED)
    header = [
        "# The Lambda's runtime dependencies, pinned: `python -m skill.build.package lock` "
        "writes this",
        "# from pyproject.toml (dependencies + the aws extra), resolved for CPython "
        f"{LAMBDA_PYTHON_VERSION} on {LAMBDA_ARCHITECTURE}.",
        "# Installed with --no-deps. Left out, because the Lambda runtime provides them: "
        + ", ".join(sorted(RUNTIME_PROVIDED)) + ".",
    ]
    out.write_text("\n".join(header + pins) + "\n", encoding="utf-8")
    return pins


def https_url(value: str, what: str) -> str:
    """`value` if it is an absolute https:// address (what Amazon accepts), else a clear error."""
    parsed = urlsplit(value)
    if parsed.scheme != "https" or not parsed.netloc or any(c.isspace() for c in value):
        raise ValueError(f"the {what} URL must be an https:// address, got {value!r}")
    return value


def submission_gaps(manifest: dict, endpoint: str | None) -> list[str]:
    """What certification needs that this build lacks, as the flag or file that supplies it."""
    body = manifest["manifest"]
    gaps = []
    if not endpoint:
        gaps.append("the Lambda endpoint (ENDPOINT=... or --endpoint)")
    policies = body["privacyAndCompliance"].get("locales", {})
    unlinked = [locale for locale in sorted(body["publishingInformation"]["locales"])
                if not policies.get(locale, {}).get("privacyPolicyUrl")]
    if unlinked:
        gaps.append(f"a privacy policy URL for {', '.join(unlinked)} "
                    "(PRIVACY_POLICY_URL=... or --privacy-policy-url)")
    if not body["publishingInformation"].get("testingInstructions", "").strip():
        gaps.append("testing instructions (deploy/skill.json)")
    for name, _ in ICONS.values():
        if not (IMAGES_DIR / name).is_file():
            gaps.append(f"{(IMAGES_DIR / name).relative_to(ROOT)} (python -m skill.build.icons)")
    return gaps


def skill_package(out: Path, endpoint: str | None = None, *,
                  privacy_policy_url: str | None = None, terms_of_use_url: str | None = None,
                  submission: bool = False) -> Path:
    """The skill package as the ASK CLI and SMAPI take it: skill.json, one model per locale, and
    the icons under assets/images/ (referenced as file://assets/images/..., as `ask` lays out).

    The privacy policy and terms of use are addresses the publisher hosts (deploy/privacy-policy.md
    is the policy's text), so they come from the build, never from the repository. With
    `submission`, everything certification asks for must be there, or nothing is written.
    The models go through the model builder first, so a package is never assembled from a model
    that `make model` would refuse (skill/build/model_checks.py), nor from a stale checked-in one.
    """
    from skill.build.model import build_models, minified, model_path, stale_models

    manifest = json.loads(SKILL_JSON.read_text(encoding="utf-8"))
    body = manifest["manifest"]
    if endpoint:
        body["apis"]["custom"]["endpoint"] = {"uri": endpoint}
        if "events" in body:  # skill events (SKILL_DISABLED) go to the same Lambda
            body["events"]["endpoint"] = {"uri": endpoint}
    locales = sorted(body["publishingInformation"]["locales"])
    links = {key: https_url(url, what) for key, url, what in (
        ("privacyPolicyUrl", privacy_policy_url, "privacy policy"),
        ("termsOfUseUrl", terms_of_use_url, "terms of use")) if url}
    if links:
        body["privacyAndCompliance"]["locales"] = {locale: dict(links) for locale in locales}
    if submission:
        gaps = submission_gaps(manifest, endpoint)
        if gaps:
            raise ValueError("not ready for submission; missing: " + "; ".join(gaps))
    # Last, as it takes minutes: what was asked for is refused at once when it is wrong.
    stale = stale_models(build_models())   # ModelRefused (a ValueError) names every problem
    if stale:
        raise ValueError(f"interaction_models/{stale[0]}.json is stale: run `make model`")
    if out.exists():
        shutil.rmtree(out)
    models = out / "interactionModels" / "custom"
    models.mkdir(parents=True)
    images = out / "assets" / "images"
    images.mkdir(parents=True)
    for locale in locales:
        listing = body["publishingInformation"]["locales"][locale]
        for key, (name, _) in ICONS.items():
            source = IMAGES_DIR / name
            if not source.is_file():
                raise FileNotFoundError(f"{source.relative_to(ROOT)}: no icon; run "
                                        "`python -m skill.build.icons`")
            target = f"{locale}_{key}.png"   # the names `ask` gives a skill package's icons
            shutil.copyfile(source, images / target)
            listing[key] = f"file://assets/images/{target}"
    (out / "skill.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    for locale in locales:
        source = model_path(locale)
        if not source.is_file():
            raise FileNotFoundError(f"{source.relative_to(ROOT)}: no model for {locale}; "
                                    "add it to interaction_models/model.yaml and run `make model`")
        # minified, as the size limit counts it (skill.build.model.MAX_MODEL_CHARACTERS)
        (models / f"{locale}.json").write_text(
            minified(json.loads(source.read_text(encoding="utf-8"))), encoding="utf-8")
    return out


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.2f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    lambda_ = commands.add_parser("lambda", help="build the Lambda zip (or directory)")
    lambda_.add_argument("--out", type=Path, default=ROOT / "build" / "lambda.zip")
    lambda_.add_argument("--platform", choices=("lambda", "local"), default="lambda",
                         help="'lambda': CPython 3.13 arm64 (deploy); 'local': this interpreter")
    lambda_.add_argument("--into", type=Path,
                         help="write the unpacked artifact here instead of a zip (sam build)")
    package = commands.add_parser("skill-package", help="assemble skill.json and the models")
    package.add_argument("--out", type=Path, default=ROOT / "build" / "skill-package")
    package.add_argument("--endpoint", default=os.environ.get("SKILL_ENDPOINT") or None,
                         help="the Lambda ARN (stack output SkillFunctionArn) for the manifest")
    package.add_argument("--privacy-policy-url",
                         default=os.environ.get("PRIVACY_POLICY_URL") or None,
                         help="https:// address of the privacy policy (deploy/privacy-policy.md)")
    package.add_argument("--terms-of-use-url", default=os.environ.get("TERMS_OF_USE_URL") or None,
                         help="https:// address of the terms of use (optional)")
    package.add_argument("--submission", action="store_true",
                         help="for certification: fail unless the endpoint and privacy policy "
                              "URL are given and the icons and testing instructions exist")
    commands.add_parser("lock", help="re-pin requirements-lambda.txt from pyproject.toml")
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except (ValueError, OSError, subprocess.CalledProcessError) as error:
        print(f"skill.build.package {args.command}: {error}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    if args.command == "lambda" and args.into:
        directory = build_lambda_dir(args.into, args.platform)
        print(f"{directory}: {_megabytes(unpacked_size(directory))} unpacked")
    elif args.command == "lambda":
        path, zipped, unpacked = build_lambda_zip(args.out, args.platform)
        print(f"{path}: {_megabytes(zipped)} zipped, {_megabytes(unpacked)} unpacked "
              f"({args.platform})")
    elif args.command == "skill-package":
        out = skill_package(args.out, args.endpoint, privacy_policy_url=args.privacy_policy_url,
                            terms_of_use_url=args.terms_of_use_url, submission=args.submission)
        print(f"wrote {out}")
        if not args.endpoint:
            print("no endpoint set: pass --endpoint <SkillFunctionArn> (or ENDPOINT=... to make), "
                  "or set it in the developer console", file=sys.stderr)
        if not args.privacy_policy_url:
            print("no privacy policy URL set: host deploy/privacy-policy.md and pass "
                  "--privacy-policy-url (or PRIVACY_POLICY_URL=... to make); a submission needs "
                  "it", file=sys.stderr)
    else:
        pins = lock()
        print(f"wrote {REQUIREMENTS.relative_to(ROOT)}: {len(pins)} pinned packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
