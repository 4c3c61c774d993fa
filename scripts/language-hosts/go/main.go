// pulumi-language-go: a compact Go language host for the Pulumi engine.
//
// Built by pulumi-modelarts' scripts/ensure-pulumi.ts because the upstream host's module cannot be
// fetched here. Like the upstream host it builds the program with `go build` (or runs the prebuilt
// `binary` runtime option) and passes the engine's settings in the PULUMI_* environment variables
// the Go SDK reads; it reports the plugins of modules that carry a pulumi-plugin.json, installs
// dependencies with `go mod tidy`, links local SDK modules with a replace directive (`pulumi package
// add`) and generates Go SDKs (`pulumi package gen-sdk`) with pkg/v3's code generator. Not
// supported, and said so: `pulumi convert`, `pulumi new` templates, packing, Go plugins run from
// source, and the `cacheDir`/`debug` runtime options.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"pulumi-modelarts.local/pulumi-build/hostkit"
)

const hostName = "the pulumi-modelarts Go language host"

func main() {
	hostkit.Main("Go language host", func(engineAddress, tracing string) pulumirpc.LanguageRuntimeServer {
		return &goHost{Base: hostkit.NewBase(hostName, engineAddress, tracing)}
	})
}

type goHost struct {
	hostkit.Base
}

type goOptions struct {
	binary      string
	buildTarget string
}

func parseOptions(info *pulumirpc.ProgramInfo) (goOptions, error) {
	var o goOptions
	if err := hostkit.RejectOptions(info, hostName, "binary", "buildTarget"); err != nil {
		return o, err
	}
	var err error
	if o.binary, err = hostkit.StringOption(info, "binary"); err != nil {
		return o, err
	}
	o.buildTarget, err = hostkit.StringOption(info, "buildTarget")
	return o, err
}

func goBinary() (string, error) {
	p, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("unable to find the go toolchain on PATH (%w); install Go or set the binary runtime option", err)
	}
	return p, nil
}

// build compiles the program into a temporary folder; the Go build cache makes later builds fast.
func (h *goHost) build(ctx context.Context, programDir string, opts goOptions) (string, func(), error) {
	if opts.binary != "" {
		bin := opts.binary
		if !filepath.IsAbs(bin) {
			bin = filepath.Join(programDir, bin)
		}
		return bin, func() {}, nil
	}
	goBin, err := goBinary()
	if err != nil {
		return "", nil, err
	}
	tmp, err := os.MkdirTemp("", "pulumi-go-program-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { _ = os.RemoveAll(tmp) }
	out := filepath.Join(tmp, "program")
	target := opts.buildTarget
	if target == "" {
		target = "."
	}
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", out, target)
	cmd.Dir = programDir
	cmd.Stdout = os.Stderr
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("unable to build the Go program in %s: %w\n%s", programDir, err, stderr.String())
	}
	return out, cleanup, nil
}

func (h *goHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := hostkit.ProgramDir(info, req.GetPwd())
	opts, err := parseOptions(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	cfg, secretKeys, err := hostkit.ConfigJSON(req)
	if err != nil {
		return &pulumirpc.RunResponse{Error: "failed to serialize configuration: " + err.Error()}, nil
	}
	runCtx, done := h.RunContext(ctx)
	defer done()
	bin, cleanup, err := h.build(runCtx, programDir, opts)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	defer cleanup()

	cmd := exec.CommandContext(runCtx, bin, req.GetArgs()...)
	hostkit.Interruptible(cmd)
	cmd.Dir = programDir
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	cmd.Env = append(os.Environ(),
		"PULUMI_MONITOR="+req.GetMonitorAddress(),
		"PULUMI_ENGINE="+h.EngineAddress(),
		"PULUMI_PROJECT="+req.GetProject(),
		"PULUMI_STACK="+req.GetStack(),
		"PULUMI_ORGANIZATION="+req.GetOrganization(),
		"PULUMI_ROOT_DIRECTORY="+info.GetRootDirectory(),
		"PULUMI_DRY_RUN="+strconv.FormatBool(req.GetDryRun()),
		"PULUMI_PARALLEL="+strconv.Itoa(int(req.GetParallel())),
		"PULUMI_CONFIG="+cfg,
		"PULUMI_CONFIG_SECRET_KEYS="+secretKeys,
	)
	if h.Tracing != "" {
		cmd.Env = append(cmd.Env, "PULUMI_TRACING="+h.Tracing)
	}
	return hostkit.ExitResponse(cmd.Run()), nil
}

type goModule struct {
	Path     string
	Version  string
	Dir      string
	Main     bool
	Indirect bool
	Replace  *goModule
}

// listModules runs `go list -m -json all` in dir.
func listModules(ctx context.Context, dir string) ([]goModule, error) {
	goBin, err := goBinary()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, goBin, "list", "-m", "-json", "all")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list -m -json all in %s: %w\n%s", dir, err, stderr.String())
	}
	var mods []goModule
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var m goModule
		if err := dec.Decode(&m); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		mods = append(mods, m)
	}
	return mods, nil
}

// pluginOf reads a pulumi-plugin.json at the root of a module or in one of its top-level packages.
func pluginOf(dir string) *pulumirpc.PackageDependency {
	candidates := []string{filepath.Join(dir, "pulumi-plugin.json")}
	if more, err := filepath.Glob(filepath.Join(dir, "*", "pulumi-plugin.json")); err == nil {
		candidates = append(candidates, more...)
	}
	for _, c := range candidates {
		b, err := os.ReadFile(c)
		if err != nil {
			continue
		}
		var p hostkit.PluginJSON
		if json.Unmarshal(b, &p) == nil {
			if dep := p.ToPackageDependency(); dep != nil {
				return dep
			}
		}
	}
	return nil
}

func (h *goHost) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	mods, err := listModules(ctx, hostkit.ProgramDir(req.GetInfo(), ""))
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var pkgs []*pulumirpc.PackageDependency
	for _, m := range mods {
		dir := m.Dir
		if m.Replace != nil && m.Replace.Dir != "" {
			dir = m.Replace.Dir
		}
		if dir == "" || m.Main {
			continue
		}
		if dep := pluginOf(dir); dep != nil && !seen[dep.Name+dep.Version] {
			seen[dep.Name+dep.Version] = true
			pkgs = append(pkgs, dep)
		}
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].Name < pkgs[j].Name })
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

func (h *goHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	goBin, err := goBinary()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Installing dependencies...\n\n")
	cmd := exec.CommandContext(server.Context(), goBin, "mod", "tidy")
	cmd.Dir = hostkit.ProgramDir(req.GetInfo(), req.GetDirectory())
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("`go mod tidy` failed to install dependencies: %w", err)
	}
	fmt.Fprintf(stdout, "Finished installing dependencies\n\n")
	return closer.Close()
}

func (h *goHost) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	mods, err := listModules(ctx, hostkit.ProgramDir(req.GetInfo(), req.GetPwd()))
	if err != nil {
		return nil, err
	}
	var deps []*pulumirpc.DependencyInfo
	for _, m := range mods {
		if m.Main || (m.Indirect && !req.GetTransitiveDependencies()) {
			continue
		}
		deps = append(deps, &pulumirpc.DependencyInfo{Name: m.Path, Version: m.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *goHost) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	goBin, err := goBinary()
	if err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, goBin, "env", "GOVERSION").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOVERSION: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: goBin,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "go"),
		Metadata:   map[string]string{"languageHost": hostName},
	}, nil
}

func (h *goHost) GeneratePackage(
	_ context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	if len(req.GetExtraFiles()) > 0 {
		return nil, status.Error(codes.Unimplemented, "extra files in Go SDK generation are not supported by "+hostName)
	}
	return hostkit.GeneratePackage(req, func(pkg *schema.Package, _ schema.ReferenceLoader) (map[string][]byte, error) {
		return gogen.GeneratePackage("pulumi-language-go", pkg, req.GetLocalDependencies())
	})
}

// modulePath reads the module line of dir/go.mod.
func modulePath(dir string) (string, error) {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("linking %s: a Go module folder (with a go.mod) is expected: %w", dir, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`), nil
		}
	}
	return "", fmt.Errorf("linking %s: go.mod has no module line", dir)
}

// Link makes the program's go.mod require local SDK modules through replace directives.
func (h *goHost) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	goBin, err := goBinary()
	if err != nil {
		return nil, err
	}
	programDir := req.GetInfo().GetProgramDirectory()
	var instructions strings.Builder
	for _, dep := range req.GetPackages() {
		path := dep.GetPath()
		if !filepath.IsAbs(path) {
			path = filepath.Join(programDir, path)
		}
		mod, err := modulePath(path)
		if err != nil {
			return nil, err
		}
		rel, err := filepath.Rel(programDir, path)
		if err != nil || strings.HasPrefix(rel, "..") && filepath.IsAbs(path) {
			rel = path
		}
		if !strings.HasPrefix(rel, ".") && !filepath.IsAbs(rel) {
			rel = "./" + rel
		}
		cmd := exec.CommandContext(ctx, goBin, "mod", "edit",
			"-replace", mod+"="+rel, "-require", mod+"@v0.0.0-00010101000000-000000000000")
		cmd.Dir = programDir
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("go mod edit in %s: %w\n%s", programDir, err, out)
		}
		fmt.Fprintf(&instructions, "You can then import the SDK in your Go code with:\n\n  import \"%s/%s\"\n\n",
			mod, dep.GetPackage().GetName())
	}
	return &pulumirpc.LinkResponse{ImportInstructions: instructions.String()}, nil
}

func (h *goHost) RunPlugin(*pulumirpc.RunPluginRequest, pulumirpc.LanguageRuntime_RunPluginServer) error {
	return status.Error(codes.Unimplemented, "running Go plugins from source is not supported by "+hostName)
}
