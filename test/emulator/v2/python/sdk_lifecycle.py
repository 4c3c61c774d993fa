"""A v2 training-job lifecycle against the emulator, driven by the official Huawei Cloud Python SDK.

Reads MODELARTS_ENDPOINT, MODELARTS_AK, MODELARTS_SK and MODELARTS_PROJECT_ID from the environment.
Prints one JSON object: what each call answered, and every place where an answer's raw JSON breaks
the type the SDK's model declares for it (what a typed client such as the Go or Java SDK would fail to
decode; Python itself converts silently).
"""
import json
import os
import sys
import time

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions import exceptions
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkmodelarts.v1 import ModelArtsClient
from huaweicloudsdkmodelarts.v1 import model as m

PRIMITIVES = {"str": (str,), "int": (int,), "float": (int, float), "bool": (bool,), "date": (str,), "datetime": (str,)}


def type_errors(value, declared, path, errors):
    """Walks raw JSON beside the SDK's declared type and records each mismatch by its path."""
    if value is None or declared == "object":
        return
    if declared in PRIMITIVES:
        ok = isinstance(value, PRIMITIVES[declared]) and not (declared in ("int", "float") and isinstance(value, bool))
        if not ok:
            errors.append(f"{path}: {declared} declared, got {type(value).__name__} {json.dumps(value)}")
        return
    if declared.startswith("list["):
        if not isinstance(value, list):
            errors.append(f"{path}: list declared, got {type(value).__name__}")
            return
        for i, item in enumerate(value):
            type_errors(item, declared[5:-1], f"{path}[{i}]", errors)
        return
    if declared.startswith("dict("):
        if not isinstance(value, dict):
            errors.append(f"{path}: dict declared, got {type(value).__name__}")
            return
        inner = declared[5:-1].split(", ", 1)[1]
        for key, item in value.items():
            type_errors(item, inner, f"{path}.{key}", errors)
        return
    cls = getattr(m, declared, None)
    if cls is None:
        return
    if not isinstance(value, dict):
        errors.append(f"{path}: {declared} declared, got {type(value).__name__}")
        return
    for attr, wire in cls.attribute_map.items():
        if wire in value and attr != "body":
            type_errors(value[wire], cls.openapi_types[attr], f"{path}.{wire}" if path else wire, errors)


def checked(response, errors, what):
    """The raw JSON of an answer, its types checked against the response model."""
    raw = json.loads(response.raw_content.decode("utf-8")) if response.raw_content else None
    types = type(response).openapi_types
    if list(types) == ["body"]:
        type_errors(raw, types["body"], what, errors)
    else:
        for attr, wire in type(response).attribute_map.items():
            if isinstance(raw, dict) and wire in raw:
                type_errors(raw[wire], types[attr], f"{what}:{wire}", errors)
    return raw


def main():
    env = os.environ
    config = HttpConfig.get_default_config()
    config.timeout = (5, 30)
    config.retry_times = 0
    credentials = BasicCredentials(env["MODELARTS_AK"], env["MODELARTS_SK"], env["MODELARTS_PROJECT_ID"])
    client = ModelArtsClient.new_builder().with_http_config(config).with_credentials(credentials).with_endpoint(env["MODELARTS_ENDPOINT"]).build()
    errors = []
    out = {"typeErrors": errors}

    body = m.Job(
        kind="job",
        metadata=m.JobMetadata(name="sdk-lifecycle", description="made by the Python SDK"),
        algorithm=m.JobAlgorithm(
            code_dir="/bucket/code/",
            boot_file="/bucket/code/train.py",
            engine=m.JobEngine(engine_name="PyTorch", engine_version="pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64"),
        ),
        spec=m.Spec(resource=m.Resource(flavor_id="modelarts.vm.cpu.8u", node_count=1)),
    )
    created = checked(client.create_training_job(m.CreateTrainingJobRequest(body=body)), errors, "create")
    job_id = created["metadata"]["id"]
    out["created"] = {"id": job_id, "phase": created["status"]["phase"]}

    shown = client.show_training_job_details(m.ShowTrainingJobDetailsRequest(training_job_id=job_id))
    raw = checked(shown, errors, "show")
    out["shown"] = {"name": shown.metadata.name, "flavor": raw["spec"]["resource"]["flavor_id"]}
    out["diskSize"] = shown.spec.resource.flavor_detail.flavor_info.disk.size if shown.spec.resource.flavor_detail else None

    listed = client.list_training_jobs(m.ListTrainingJobsRequest(body=m.JobSearches(offset=0, limit=10, workspace_id="0")))
    raw = checked(listed, errors, "list")
    out["listed"] = [item["metadata"]["id"] for item in raw["items"]]

    client.change_training_job_description(
        m.ChangeTrainingJobDescriptionRequest(training_job_id=job_id, body=m.JobUpdateRequestBody(description="changed by the SDK"))
    )
    out["description"] = client.show_training_job_details(m.ShowTrainingJobDetailsRequest(training_job_id=job_id)).metadata.description

    tasks = checked(client.list_training_job_tasks(m.ListTrainingJobTasksRequest(training_job_id=job_id)), errors, "tasks")
    out["tasks"] = [t["task"] for t in tasks]
    metrics = checked(
        client.show_training_job_metrics(m.ShowTrainingJobMetricsRequest(training_job_id=job_id, task_id=out["tasks"][0])),
        errors,
        "metrics",
    )
    out["metrics"] = [x["metric"] for x in metrics["metrics"]]

    names = client.validate_training_job_name(m.ValidateTrainingJobNameRequest(job_name="sdk-lifecycle", workspace_id="0"))
    checked(names, errors, "names")
    free = client.validate_training_job_name(m.ValidateTrainingJobNameRequest(job_name="sdk-unused-name"))
    out["nameTaken"] = [names.is_duplicate, free.is_duplicate]

    client.stop_training_job(m.StopTrainingJobRequest(training_job_id=job_id, body=m.JobActionType(action_type="terminate")))
    phase = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        phase = client.show_training_job_details(m.ShowTrainingJobDetailsRequest(training_job_id=job_id)).status.phase
        if phase not in ("Creating", "Pending", "Running", "Terminating"):
            break
        time.sleep(0.05)
    out["stoppedPhase"] = phase

    client.delete_training_job(m.DeleteTrainingJobRequest(training_job_id=job_id))
    deadline = time.monotonic() + 30
    gone = None
    while time.monotonic() < deadline:
        try:
            client.show_training_job_details(m.ShowTrainingJobDetailsRequest(training_job_id=job_id))
        except exceptions.ClientRequestException as e:
            gone = {"status": e.status_code, "code": e.error_code}
            break
        time.sleep(0.05)
    out["gone"] = gone
    print(json.dumps(out))


if __name__ == "__main__":
    try:
        main()
    except exceptions.SdkException as e:
        print(json.dumps({"sdkError": str(e)}))
        sys.exit(1)
