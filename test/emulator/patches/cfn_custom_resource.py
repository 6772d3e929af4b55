"""Lambda-backed custom resources must not hang the deployment.

AWS: CloudFormation invokes the custom resource's Lambda function and
waits for its response.

moto 5.2.1 can only invoke a function in Docker; without a Docker engine
the resource never completes and the stack stays CREATE_IN_PROGRESS
forever.

Patch: when no Docker engine answers, fail the resource at once with that
reason (the deployment fails, as it would in AWS if the function could not
run). This project's stack has no custom resources; the patch keeps a
template that has some from hanging a test.
"""

from moto.cloudformation import custom_model


def _docker_available() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:  # noqa: BLE001
        return False


def apply() -> None:
    original = custom_model.CustomModel.create_from_cloudformation_json.__func__

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        if not _docker_available():
            raise RuntimeError(
                "the local emulator cannot run Lambda-backed custom resources: invoking a function needs a Docker engine")
        return original(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    custom_model.CustomModel.create_from_cloudformation_json = create_from_cloudformation_json
