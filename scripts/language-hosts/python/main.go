// pulumi-language-python: a compact Python language host for the Pulumi engine.
//
// Built by pulumi-modelarts' scripts/ensure-pulumi.ts because the upstream host's module cannot be
// fetched here. Like the upstream host it runs programs with the `pulumi` package of the program's
// Python (the `virtualenv` runtime option, resolved from the project root, or the python on PATH),
// installs dependencies from requirements.txt (creating the virtualenv), reports the plugins of
// installed packages that carry a pulumi-plugin.json, links local SDKs into requirements.txt
// (`pulumi package add`) and generates Python SDKs (`pulumi package gen-sdk`) with pkg/v3's code
// generator. Only the pip toolchain is supported; poetry, uv, type checkers, `pulumi convert`,
// `pulumi new` templates, packing and Python plugins run from source are not, and say so.
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"

	"pulumi-modelarts.local/pulumi-build/hostkit"
)

//go:embed runner.py
var runnerScript string

const hostName = "the pulumi-modelarts Python language host"

func main() {
	hostkit.Main("Python language host", func(engineAddress, tracing string) pulumirpc.LanguageRuntimeServer {
		return &pythonHost{Base: hostkit.NewBase(hostName, engineAddress, tracing)}
	})
}

type pythonHost struct {
	hostkit.Base
}

// pythonToolchain resolves the program's Python from the runtime options.
func pythonToolchain(info *pulumirpc.ProgramInfo) (toolchain.Toolchain, error) {
	if err := hostkit.RejectOptions(info, hostName, "virtualenv", "toolchain"); err != nil {
		return nil, err
	}
	virtualenv, err := hostkit.StringOption(info, "virtualenv")
	if err != nil {
		return nil, err
	}
	tc, err := hostkit.StringOption(info, "toolchain")
	if err != nil {
		return nil, err
	}
	if tc != "" && tc != "pip" {
		return nil, fmt.Errorf("runtime option toolchain: %q is not supported by %s (only pip)", tc, hostName)
	}
	root := info.GetRootDirectory()
	if root == "" {
		root = info.GetProgramDirectory()
	}
	return toolchain.ResolveToolchain(toolchain.PythonOptions{
		Root:       root,
		ProgramDir: info.GetProgramDirectory(),
		Virtualenv: virtualenv,
		Toolchain:  toolchain.Pip,
	})
}

func (h *pythonHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := hostkit.ProgramDir(info, req.GetPwd())
	tc, err := pythonToolchain(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	cfg, secretKeys, err := hostkit.ConfigJSON(req)
	if err != nil {
		return &pulumirpc.RunResponse{Error: "failed to serialize configuration: " + err.Error()}, nil
	}
	entryPoint := info.GetEntryPoint()
	if entryPoint == "" {
		entryPoint = "."
	}

	args := []string{"-u", "-c", runnerScript}
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", h.EngineAddress())
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("pwd", programDir)
	add("organization", req.GetOrganization())
	add("root_directory", info.GetRootDirectory())
	add("dry_run", strconv.FormatBool(req.GetDryRun()))
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	args = append(args, entryPoint)
	args = append(args, req.GetArgs()...)

	runCtx, done := h.RunContext(ctx)
	defer done()
	cmd, err := tc.Command(runCtx, args...)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	hostkit.Interruptible(cmd)
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, "PULUMI_CONFIG="+cfg, "PULUMI_CONFIG_SECRET_KEYS="+secretKeys, "PYTHONUNBUFFERED=1")
	cmd.Dir = programDir
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	return hostkit.ExitResponse(cmd.Run()), nil
}

// pluginScan prints the pulumi-plugin.json of every installed distribution, one JSON per line.
const pluginScan = `
import importlib.metadata as md, json, sys
for dist in md.distributions():
    for f in dist.files or []:
        if f.name == "pulumi-plugin.json":
            try:
                print(json.dumps(json.loads(f.read_text())))
            except Exception as e:
                print("skipping %s: %s" % (f, e), file=sys.stderr)
`

func (h *pythonHost) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	tc, err := pythonToolchain(req.GetInfo())
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return nil, err
	}
	cmd, err := tc.Command(ctx, "-c", pluginScan)
	if err != nil {
		return nil, err
	}
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing the plugins of the installed Python packages: %w", err)
	}
	seen := map[string]bool{}
	var pkgs []*pulumirpc.PackageDependency
	for _, line := range strings.Split(string(out), "\n") {
		var p hostkit.PluginJSON
		if strings.TrimSpace(line) == "" || json.Unmarshal([]byte(line), &p) != nil {
			continue
		}
		if dep := p.ToPackageDependency(); dep != nil && !seen[dep.Name+dep.Version] {
			seen[dep.Name+dep.Version] = true
			pkgs = append(pkgs, dep)
		}
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].Name < pkgs[j].Name })
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

func (h *pythonHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	info := req.GetInfo()
	dir := hostkit.ProgramDir(info, req.GetDirectory())
	tc, err := pythonToolchain(info)
	if err != nil {
		return err
	}
	ctx := server.Context()
	// The toolchain reports its own progress ("Creating virtual environment...", "Finished installing dependencies").
	if err := tc.InstallDependencies(ctx, dir, req.GetUseLanguageVersionTools(), true, stdout, stderr); err != nil {
		return err
	}
	return closer.Close()
}

func (h *pythonHost) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	tc, err := pythonToolchain(req.GetInfo())
	if err != nil {
		return nil, err
	}
	list, err := tc.ListPackages(ctx, req.GetTransitiveDependencies())
	if err != nil {
		return nil, err
	}
	deps := make([]*pulumirpc.DependencyInfo, 0, len(list))
	for _, d := range list {
		deps = append(deps, &pulumirpc.DependencyInfo{Name: d.Name, Version: d.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *pythonHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	tc, err := pythonToolchain(req.GetInfo())
	if err != nil {
		return nil, err
	}
	about, err := tc.About(ctx)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: about.PythonExecutable,
		Version:    about.PythonVersion.String(),
		Metadata:   map[string]string{"toolchain": "pip", "languageHost": hostName},
	}, nil
}

func (h *pythonHost) GeneratePackage(
	_ context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	return hostkit.GeneratePackage(req, func(pkg *schema.Package, loader schema.ReferenceLoader) (map[string][]byte, error) {
		return python.GeneratePackage("pulumi-language-python", pkg, req.GetExtraFiles(), loader)
	})
}

var (
	wheelName   = regexp.MustCompile(`^([A-Za-z0-9_.]+?)-[0-9][^-]*(-[^-]+)?-[^-]+-[^-]+-[^-]+\.whl$`)
	projectName = regexp.MustCompile(`(?m)^\s*name\s*=\s*"([^"]+)"`)
)

// distributionName is the Python distribution name of a wheel or an SDK folder.
func distributionName(path string) (string, error) {
	if strings.HasSuffix(path, ".whl") {
		m := wheelName.FindStringSubmatch(filepath.Base(path))
		if m == nil {
			return "", fmt.Errorf("cannot read the distribution name from the wheel file name %s", filepath.Base(path))
		}
		return m[1], nil
	}
	b, err := os.ReadFile(filepath.Join(path, "pyproject.toml"))
	if err != nil {
		return "", fmt.Errorf("linking %s: a wheel or a folder with a pyproject.toml is expected: %w", path, err)
	}
	m := projectName.FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("linking %s: pyproject.toml has no project name", path)
	}
	return string(m[1]), nil
}

// Link adds local SDKs (wheels or generated SDK folders) to the program's requirements.txt.
func (h *pythonHost) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	tc, err := pythonToolchain(req.GetInfo())
	if err != nil {
		return nil, err
	}
	packages := map[string]string{}
	var instructions strings.Builder
	for _, dep := range req.GetPackages() {
		path := dep.GetPath()
		if !filepath.IsAbs(path) {
			path = filepath.Join(req.GetInfo().GetProgramDirectory(), path)
		}
		name, err := distributionName(path)
		if err != nil {
			return nil, err
		}
		packages[name] = path
		module := strings.ReplaceAll(strings.ReplaceAll(name, "-", "_"), ".", "_")
		fmt.Fprintf(&instructions, "You can then import the SDK in your Python code with:\n\n  import %s as %s\n\n",
			module, strings.TrimPrefix(module, "pulumi_"))
	}
	if err := tc.LinkPackages(ctx, packages); err != nil {
		return nil, err
	}
	return &pulumirpc.LinkResponse{ImportInstructions: instructions.String()}, nil
}

func (h *pythonHost) RunPlugin(
	*pulumirpc.RunPluginRequest, pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	return status.Error(codes.Unimplemented, "running Python plugins from source is not supported by "+hostName)
}
