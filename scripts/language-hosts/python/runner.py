# Runs a Pulumi Python program for pulumi-modelarts' compact Python language host.
#
# The host passes the engine's settings as flags and the stack configuration in PULUMI_CONFIG /
# PULUMI_CONFIG_SECRET_KEYS; this script hands them to the `pulumi` package installed in the
# program's environment and runs the program (a folder with __main__.py, or a file) as __main__.
# Exit code 32 tells the host that the error was already reported to the engine.
import argparse
import asyncio
import logging
import os
import runpy
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor

REPORTED = 32

try:
    import pulumi
    import pulumi.runtime
except ImportError:
    sys.stderr.write(
        "It looks like the Pulumi SDK has not been installed in this Python environment. "
        "Have you run `pip install -r requirements.txt` (or `pulumi install`)?\n"
    )
    sys.exit(1)


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="pulumi-language-python runner")
    for flag in ("monitor", "engine", "project", "stack", "pwd", "organization", "root_directory"):
        ap.add_argument("--" + flag)
    ap.add_argument("--dry_run", default="false")
    ap.add_argument("--parallel", type=int, default=0)
    ap.add_argument("program")
    ap.add_argument("args", nargs="*")
    return ap.parse_args(argv)


def configure(args):
    config = pulumi.runtime.get_config_env()
    if hasattr(pulumi.runtime, "set_all_config"):
        pulumi.runtime.set_all_config(config, pulumi.runtime.get_config_secret_keys_env())
    else:
        for key, value in config.items():
            pulumi.runtime.set_config(key, value)
    pulumi.runtime.configure(
        pulumi.runtime.Settings(
            monitor=args.monitor,
            engine=args.engine,
            project=args.project,
            stack=args.stack,
            parallel=args.parallel,
            dry_run=args.dry_run == "true",
            organization=args.organization,
            root_directory=args.root_directory,
        )
    )


def user_traceback():
    # Start after runpy's last frame so the user sees their own code first.
    frames = traceback.extract_tb(sys.exc_info()[2])
    runpy_frames = [i for i, f in enumerate(frames) if f.filename in ("<frozen runpy>", runpy.__file__)]
    lines = traceback.format_list(frames[runpy_frames[-1] + 1 :] if runpy_frames else frames)
    lines += traceback.format_exception_only(*sys.exc_info()[:2])
    return "".join(lines)


def main(argv):
    args = parse_args(argv)
    configure(args)
    if args.pwd:
        os.chdir(args.pwd)
    program = os.path.abspath(args.program)
    sys.argv = [args.program] + args.args
    sys.path.insert(0, program if os.path.isdir(program) else os.path.dirname(program))

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    workers = args.parallel if args.parallel > 0 else None
    executor = ThreadPoolExecutor(max_workers=workers)
    loop.set_default_executor(executor)
    # Unobserved futures of a failed deployment are expected; asyncio's complaints about them are noise.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)

    code = 1
    try:
        loop.run_until_complete(pulumi.runtime.run_in_stack(lambda: runpy.run_path(program, run_name="__main__")))
        code = 0
    except pulumi.RunError as err:
        pulumi.log.error(str(err))
        code = REPORTED
    except Exception:  # noqa: BLE001 -- every failure of the program is reported the same way
        pulumi.log.error("Program failed with an unhandled exception:\n" + user_traceback())
        code = REPORTED
    finally:
        executor.shutdown(wait=True)
        loop.close()
        sys.stdout.flush()
        sys.stderr.flush()
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
