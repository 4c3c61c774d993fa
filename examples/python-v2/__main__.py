"""One new-version (v2) ModelArts training job, the Python twin of examples/v2-basic.

Your PyTorch code and its boot file in an OBS folder, run on a preset engine named by name and
version, with an OBS input and output channel, run parameters, environment variables and a public
CPU flavour. `pulumi up` submits the job and returns once ModelArts has accepted it; `pulumi destroy`
terminates it if it still runs, deletes it, and waits until ModelArts has really removed it.

Where the job runs (endpoint, project, credentials) comes from the stack configuration
(`modelarts:*`), never from this code: see README.md.
"""

import pulumi
from pulumi_modelarts import v2

config = pulumi.Config()
# The OBS bucket that holds the code, the data, the outputs and the logs.
bucket = config.require("bucket")
root = f"/{bucket}/mnist-v2"

job = v2.TrainingJob(
    "mnist",
    description=config.get("description") or "MNIST classifier, PyTorch on a public CPU flavour",
    algorithm=v2.AlgorithmArgs(
        code_dir=f"{root}/code/",
        boot_file=f"{root}/code/train.py",
        # Engines differ per region: list them with v2.get_engines().
        engine=v2.EngineArgs(
            engine_name=config.get("engineName") or "PyTorch",
            engine_version=config.get("engineVersion") or "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64",
        ),
        parameters=[
            v2.ParameterArgs(name="epochs", value=config.get("epochs") or "5"),
            v2.ParameterArgs(name="learning_rate", value="0.01"),
        ],
        inputs=[v2.InputArgs(name="data_url", remote=v2.InputRemoteArgs(obs=v2.InputRemoteObsArgs(obs_url=f"{root}/data/")))],
        outputs=[v2.OutputArgs(name="train_url", remote=v2.OutputRemoteArgs(obs=v2.OutputRemoteObsArgs(obs_url=f"{root}/output/")))],
        environments={"OMP_NUM_THREADS": "8"},
    ),
    # The same shape as a TypedDict, which type checkers verify as well as the classes above.
    spec={
        # Flavours differ per region: list them with v2.get_flavors().
        "resource": {"flavor_id": config.get("flavorId") or "modelarts.vm.cpu.8u", "node_count": config.get_int("nodeCount") or 1},
        "log_export_path": {"obs_url": f"{root}/logs/"},
    },
)

pulumi.export("jobId", job.job_id)
pulumi.export("jobName", job.job_name)
pulumi.export("phase", job.phase)
pulumi.export("createTime", job.create_time)
pulumi.export("flavorName", job.flavor_name)
pulumi.export("tasks", job.tasks)
# A function call: the region's CPU flavours, from the same catalogue the job's flavour is checked against.
pulumi.export("cpuFlavors", v2.get_flavors_output(flavor_type=v2.FlavorType.CPU).apply(lambda r: [f.flavor_id for f in r.flavors]))
