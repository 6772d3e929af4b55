"""Lambda Invoke, answered by the function running in the VPC twin.

AWS: Invoke runs the function's code in one of its subnets (Lambda picks
which) and answers with the handler's payload, or with the handler's error
document and the header X-Amz-Function-Error: Unhandled.

moto 5.2.1 runs the code in Docker; without Docker it answers the text
"error running docker: ..." as a "Handled" error, which AWS never does.

Patch: when the launcher is given a twin command (--twin PATH: a built
`cmd/twin`), Invoke runs `PATH --invoke FUNCTION` against this emulator:
the twin reads the function's deployed network from the emulator, builds
it in network namespaces, runs the function's real bootstrap in one of its
subnets (at random, as Lambda; the twin names it in this emulator's log)
with the request's event, and prints the payload or the handler's error
(exit 1), returned here with X-Amz-Function-Error: Unhandled. Without a
twin command Invoke fails at once with a ServiceException that says how
to get one (root, `make deploy-local`). Only RequestResponse invocations
run the twin; DryRun checks nothing more than moto already does.
"""

import json
import os
import subprocess
import sys

from moto.awslambda.models import LambdaFunction
from moto.core.exceptions import JsonRESTError

# The launcher sets these (launch.py --twin).
TWIN_ENV = "VPCLAMBDA_EMULATOR_TWIN"
PORT_ENV = "MOTO_PORT"


class ServiceException(JsonRESTError):
    code = 500

    def __init__(self, message: str):
        super().__init__("ServiceException", message)


def _unhandled(response_headers, message: str, kind: str = "Runtime.Unhandled") -> bytes:
    response_headers["x-amz-function-error"] = "Unhandled"
    return json.dumps({"errorType": kind, "errorMessage": message}).encode("utf-8")


def apply() -> None:
    def invoke(self, body, request_headers, response_headers):
        if request_headers.get("x-amz-invocation-type", "RequestResponse") == "DryRun":
            return b""
        twin = os.environ.get(TWIN_ENV, "")
        if not twin:
            raise ServiceException(
                "this emulator cannot run Lambda functions: it was started without the VPC twin "
                "(the twin needs root; `make deploy-local` as root starts it with one)")
        timeout = int(self.timeout or 3)
        arch = (self.architectures or ["x86_64"])[0]
        env = dict(os.environ)
        env.update({
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{os.environ.get(PORT_ENV, '5000')}",
            "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_SESSION_TOKEN": "",
            "AWS_REGION": self.region, "AWS_DEFAULT_REGION": self.region, "AWS_PROFILE": "",
            "AWS_EC2_METADATA_DISABLED": "true",
        })
        cmd = [twin, "--arch", arch, "--timeout", f"{timeout}s", "--invoke", self.function_name]
        event = body.decode("utf-8") if isinstance(body, bytes) else (body or "{}")
        try:
            proc = subprocess.run(cmd, input=event,
                                  capture_output=True, text=True, env=env, timeout=timeout + 120)
        except subprocess.TimeoutExpired:
            return _unhandled(response_headers, f"the twin did not answer within {timeout + 120} s", "Sandbox.Timedout")
        for line in proc.stderr.splitlines():
            print(f"lambda_invoke_twin: {line}", file=sys.stderr, flush=True)
        if proc.returncode == 0:
            return proc.stdout.encode("utf-8")
        if proc.returncode == 1:
            response_headers["x-amz-function-error"] = "Unhandled"
            return proc.stdout.encode("utf-8")
        raise ServiceException(f"the VPC twin could not run {self.function_name} "
                               f"(exit {proc.returncode}): {proc.stderr.strip()[-500:]}")

    LambdaFunction.invoke = invoke
