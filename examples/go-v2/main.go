// One new-version (v2) ModelArts training job, the Go twin of examples/v2-basic.
//
// Your PyTorch code and its boot file in an OBS folder, run on a preset engine named by name and
// version, with an OBS input and output channel, run parameters, environment variables and a public
// CPU flavour. `pulumi up` submits the job and returns once ModelArts has accepted it; `pulumi
// destroy` terminates it if it still runs, deletes it, and waits until ModelArts has really removed
// it.
//
// Where the job runs (endpoint, project, credentials) comes from the stack configuration
// (`modelarts:*`), never from this code: see README.md.
package main

import (
	"fmt"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"

	v2 "pulumi-modelarts.local/sdk/go/modelarts/v2"
)

func orDefault(value, fallback string) string {
	if value == "" {
		return fallback
	}
	return value
}

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		// The OBS bucket that holds the code, the data, the outputs and the logs.
		root := fmt.Sprintf("/%s/mnist-v2", cfg.Require("bucket"))
		nodeCount := cfg.GetInt("nodeCount")
		if nodeCount == 0 {
			nodeCount = 1
		}

		job, err := v2.NewTrainingJob(ctx, "mnist", &v2.TrainingJobArgs{
			Description: pulumi.String(orDefault(cfg.Get("description"), "MNIST classifier, PyTorch on a public CPU flavour")),
			Algorithm: &v2.AlgorithmArgs{
				CodeDir:  pulumi.String(root + "/code/"),
				BootFile: pulumi.String(root + "/code/train.py"),
				// Engines differ per region: list them with v2.GetEngines.
				Engine: &v2.EngineArgs{
					EngineName:    pulumi.String(orDefault(cfg.Get("engineName"), "PyTorch")),
					EngineVersion: pulumi.String(orDefault(cfg.Get("engineVersion"), "pytorch_1.8.0-cuda_10.2-py_3.7-ubuntu_18.04-x86_64")),
				},
				Parameters: v2.ParameterArray{
					&v2.ParameterArgs{Name: pulumi.String("epochs"), Value: pulumi.String(orDefault(cfg.Get("epochs"), "5"))},
					&v2.ParameterArgs{Name: pulumi.String("learning_rate"), Value: pulumi.String("0.01")},
				},
				Inputs: v2.InputArray{&v2.InputArgs{
					Name:   pulumi.String("data_url"),
					Remote: &v2.InputRemoteArgs{Obs: &v2.InputRemoteObsArgs{ObsUrl: pulumi.String(root + "/data/")}},
				}},
				Outputs: v2.OutputArray{&v2.OutputArgs{
					Name:   pulumi.String("train_url"),
					Remote: &v2.OutputRemoteArgs{Obs: &v2.OutputRemoteObsArgs{ObsUrl: pulumi.String(root + "/output/")}},
				}},
				Environments: pulumi.StringMap{"OMP_NUM_THREADS": pulumi.String("8")},
			},
			Spec: &v2.SpecArgs{
				// Flavours differ per region: list them with v2.GetFlavors.
				Resource: &v2.ResourceArgs{
					FlavorId:  pulumi.String(orDefault(cfg.Get("flavorId"), "modelarts.vm.cpu.8u")),
					NodeCount: pulumi.Float64(float64(nodeCount)),
				},
				LogExportPath: &v2.LogExportPathArgs{ObsUrl: pulumi.String(root + "/logs/")},
			},
		})
		if err != nil {
			return err
		}

		ctx.Export("jobId", job.JobId)
		ctx.Export("jobName", job.JobName)
		ctx.Export("phase", job.Phase)
		ctx.Export("createTime", job.CreateTime)
		ctx.Export("flavorName", job.FlavorName)
		ctx.Export("tasks", job.Tasks)

		// A function call: the region's CPU flavours, from the same catalogue the job's flavour is checked against.
		cpu := v2.FlavorTypeCPU
		flavors, err := v2.GetFlavors(ctx, &v2.GetFlavorsArgs{FlavorType: &cpu})
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(flavors.Flavors))
		for _, f := range flavors.Flavors {
			ids = append(ids, f.FlavorId)
		}
		ctx.Export("cpuFlavors", pulumi.ToStringArray(ids))
		return nil
	})
}
