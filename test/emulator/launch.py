#!/usr/bin/env python3
"""Start a local AWS emulator (moto in server mode) with this project's patches.

moto 5.2.1 gets several things wrong that a CDK deployment of this project
needs (see patches/__init__.py: one module per defect). This launcher checks
that the installed moto is the version the patches were written for, applies
them in-process, and serves on 127.0.0.1.

    python3 test/emulator/launch.py [--port N] [--ready-file F] [--parent-pid PID] [--twin PATH]

--twin PATH (a built cmd/twin; root) answers Lambda Invoke with the function
running in the VPC twin of its deployed network (patches/lambda_invoke_twin.py);
without it Invoke fails at once. --port 0 (the default) takes a free port. When the server listens, the
launcher writes "PORT PID" to the ready file (atomically) and to stdout.
Exit status: 0 after SIGTERM/SIGINT, 3 moto missing or of another version,
4 the port is taken or cannot be bound.
"""

import argparse
import os
import signal
import socket
import sys

EXPECTED_MOTO = "5.2.1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ready-file", default="")
    parser.add_argument("--parent-pid", type=int, default=0,
                        help="stop when this process (the one that started the launcher) ends; for tests")
    parser.add_argument("--twin", default="",
                        help="the VPC twin command (a built cmd/twin) that answers Lambda Invoke")
    args = parser.parse_args()

    try:
        import moto  # noqa: F401
    except ImportError as e:
        print(f"emulator: moto is not installed ({e}); this project needs moto[server]=={EXPECTED_MOTO} "
              "(preinstalled on the project's machine image)", file=sys.stderr)
        return 3
    if moto.__version__ != EXPECTED_MOTO:
        print(f"emulator: moto {moto.__version__} is installed, but the patches in test/emulator/patches "
              f"were written for moto {EXPECTED_MOTO}; install moto[server]=={EXPECTED_MOTO}", file=sys.stderr)
        return 3

    # AWS managed policies (AWSLambdaVPCAccessExecutionRole) exist in a real account.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")

    if args.twin:
        os.environ["VPCLAMBDA_EMULATOR_TWIN"] = os.path.abspath(args.twin)
    else:
        os.environ.pop("VPCLAMBDA_EMULATOR_TWIN", None)

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import patches

    patches.apply_all()

    from werkzeug.serving import make_server
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    app = DomainDispatcherApplication(create_backend_app)
    try:
        # werkzeug exits on a taken port with a message of its own; check first.
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            probe.bind((args.host, args.port))
        finally:
            probe.close()
        server = make_server(args.host, args.port, app, threaded=True)
    except (OSError, SystemExit) as e:
        reason = getattr(e, "strerror", None) or "address already in use"
        print(f"emulator: cannot listen on {args.host}:{args.port}: {reason}; "
              "choose another port (or 0 for a free one) or stop what uses it", file=sys.stderr)
        return 4
    port = server.server_port
    # moto builds some URLs (e.g. for S3) from this.
    os.environ["MOTO_PORT"] = str(port)

    def stop(signum, frame):  # noqa: ARG001
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    if args.parent_pid:
        # A test binary killed by its timeout cannot stop the emulator it
        # started: notice that the parent is gone and stop.
        import threading
        import time

        def watch():
            while os.getppid() == args.parent_pid:
                time.sleep(0.5)
            os.kill(os.getpid(), signal.SIGTERM)

        threading.Thread(target=watch, daemon=True).start()

    line = f"{port} {os.getpid()}\n"
    if args.ready_file:
        tmp = args.ready_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(line)
        os.replace(tmp, args.ready_file)
    sys.stdout.write(f"emulator: moto {moto.__version__} with {len(patches.PATCHES)} patches "
                     f"listening on http://{args.host}:{port} (pid {os.getpid()})\n")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
