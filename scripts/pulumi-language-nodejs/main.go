// pulumi-language-nodejs: a compact Node.js language host for the Pulumi engine.
//
// Compiled by pulumi-modelarts' scripts/ensure-pulumi.ts (in a generated module) against
// github.com/pulumi/pulumi/sdk/v3. It is used when the upstream module
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 cannot be
// fetched. It implements the same contract as the upstream host for running
// programs: it starts @pulumi/pulumi/cmd/run (resolved from the program's
// directory) with node, passing the engine/monitor addresses and the stack
// configuration, and reports plugins declared by installed npm packages. It
// runs Node.js plugins from their source folder (RunPlugin) and links local
// SDK packages into package.json (Link). Code generation (convert, gen-sdk,
// new from a converter) is not supported.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/config"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	"github.com/pulumi/pulumi/sdk/v3/nodejs/npm"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

const (
	defaultRunModule = "@pulumi/pulumi/cmd/run"
	// Exit code of @pulumi/pulumi/cmd/run meaning "the error was already shown to the user".
	exitAfterUserActionableMessage = 32
)

func main() {
	var tracing, runtimeName string
	flag.StringVar(&tracing, "tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	flag.StringVar(&runtimeName, "runtime", "nodejs", "Runtime to use (only nodejs is supported)")
	showVersion := flag.Bool("version", false, "Print the current plugin version and exit")
	// Older engines and the language hosts built against them (pulumi-language-yaml) pass the
	// project root and the runtime options as single-dash -name=value flags; they are obsolete.
	for _, name := range []string{"root", "typescript", "tsconfig", "nodeargs", "packagemanager"} {
		flag.String(name, "", "[obsolete] "+name)
	}
	if err := flag.CommandLine.Parse(knownFlags(flag.CommandLine, os.Args[1:])); err != nil {
		cmdutil.Exit(err)
	}
	if *showVersion {
		fmt.Println(version.Version)
		return
	}
	if runtimeName != "nodejs" {
		cmdutil.Exit(fmt.Errorf("unsupported runtime: %s (this language host only supports nodejs)", runtimeName))
	}
	logging.InitLogging(false, 0, false)

	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[0]
	}

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt)
	cancelChannel := make(chan bool)
	go func() {
		<-ctx.Done()
		cancel()
		close(cancelChannel)
	}()
	if engineAddress != "" {
		// Exit when the engine goes away.
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, cancel); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start health check host RPC server: %w", err))
		}
	}

	host := newHost(engineAddress, tracing)
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancelChannel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
		Options: rpcutil.TracingServerInterceptorOptions(nil),
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start language host RPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host RPC stopped serving: %w", err))
	}
}

// knownFlags drops the -name=value flags that fs does not define, so that options added by newer
// or older engines never stop the host from starting.
func knownFlags(fs *flag.FlagSet, args []string) []string {
	kept := make([]string, 0, len(args))
	for i, arg := range args {
		if arg == "--" || !strings.HasPrefix(arg, "-") || arg == "-" {
			return append(kept, args[i:]...)
		}
		name := strings.SplitN(strings.TrimLeft(arg, "-"), "=", 2)[0]
		if fs.Lookup(name) == nil && name != "help" && name != "h" {
			continue
		}
		kept = append(kept, arg)
	}
	return kept
}

type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
	tracing       string
	cancelCtx     context.Context
	cancelFunc    context.CancelFunc
}

func newHost(engineAddress, tracing string) *nodeHost {
	ctx, cancel := context.WithCancel(context.Background())
	return &nodeHost{engineAddress: engineAddress, tracing: tracing, cancelCtx: ctx, cancelFunc: cancel}
}

func (h *nodeHost) Handshake(
	ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *nodeHost) GetPluginInfo(ctx context.Context, _ *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *nodeHost) Cancel(ctx context.Context, _ *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancelFunc()
	return &emptypb.Empty{}, nil
}

// ---- options -------------------------------------------------------------

type nodeOptions struct {
	typescript     bool
	tsconfigPath   string
	nodeArgs       []string
	packageManager npm.PackageManagerType
}

func parseOptions(info *pulumirpc.ProgramInfo) (nodeOptions, error) {
	opts := nodeOptions{typescript: true, packageManager: npm.AutoPackageManager}
	if info == nil || info.GetOptions() == nil {
		return opts, nil
	}
	raw := info.GetOptions().AsMap()
	if v, ok := raw["typescript"]; ok {
		b, ok := v.(bool)
		if !ok {
			return opts, errors.New("typescript option must be a boolean")
		}
		opts.typescript = b
	}
	if v, ok := raw["tsconfig"]; ok {
		s, ok := v.(string)
		if !ok {
			return opts, errors.New("tsconfig option must be a string")
		}
		opts.tsconfigPath = s
	}
	if v, ok := raw["nodeargs"]; ok {
		s, ok := v.(string)
		if !ok {
			return opts, errors.New("nodeargs option must be a string")
		}
		opts.nodeArgs = strings.Fields(s)
	}
	if v, ok := raw["packagemanager"]; ok {
		s, ok := v.(string)
		if !ok {
			return opts, errors.New("packagemanager option must be a string")
		}
		switch s {
		case "auto", "npm", "yarn", "pnpm", "bun":
			opts.packageManager = npm.PackageManagerType(s)
		default:
			return opts, fmt.Errorf("packagemanager option must be one of auto, npm, yarn, pnpm or bun, got %q", s)
		}
	}
	return opts, nil
}

// ---- required packages ---------------------------------------------------

type packageJSON struct {
	Name            string                  "json:\"name\""
	Version         string                  "json:\"version\""
	Pulumi          plugin.PulumiPluginJSON "json:\"pulumi\""
	Dependencies    map[string]string       "json:\"dependencies\""
	DevDependencies map[string]string       "json:\"devDependencies\""
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	return &p, nil
}

// nearestNodeModules returns the node_modules folder that node would search first from dir.
func nearestNodeModules(dir string) string {
	for d := dir; ; {
		nm := filepath.Join(d, "node_modules")
		if fi, err := os.Stat(nm); err == nil && fi.IsDir() {
			return nm
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// scanNodeModules lists the packages of a node_modules folder (and their nested node_modules)
// whose package.json declares a Pulumi resource plugin.
func scanNodeModules(nm string, visited map[string]bool, out *[]*pulumirpc.PackageDependency) {
	real, err := filepath.EvalSymlinks(nm)
	if err != nil || visited[real] {
		return
	}
	visited[real] = true
	entries, err := os.ReadDir(nm)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		p := filepath.Join(nm, name)
		if strings.HasPrefix(name, "@") {
			scoped, err := os.ReadDir(p)
			if err != nil {
				continue
			}
			for _, s := range scoped {
				visitPackage(filepath.Join(p, s.Name()), visited, out)
			}
			continue
		}
		visitPackage(p, visited, out)
	}
}

func visitPackage(dir string, visited map[string]bool, out *[]*pulumirpc.PackageDependency) {
	info, err := readPackageJSON(filepath.Join(dir, "package.json"))
	if err == nil && info.Pulumi.Resource {
		if dep := toPackageDependency(info); dep != nil {
			*out = append(*out, dep)
		}
	}
	nested := filepath.Join(dir, "node_modules")
	if fi, err := os.Stat(nested); err == nil && fi.IsDir() {
		scanNodeModules(nested, visited, out)
	}
}

func toPackageDependency(info *packageJSON) *pulumirpc.PackageDependency {
	name := info.Pulumi.Name
	if name == "" {
		if !strings.HasPrefix(info.Name, "@pulumi/") {
			logging.V(3).Infof("skipping %s: third-party plugin packages must set pulumi.name", info.Name)
			return nil
		}
		name = strings.TrimPrefix(info.Name, "@pulumi/")
	}
	ver := info.Pulumi.Version
	if ver == "" {
		ver = info.Version
	}
	if ver == "" {
		return nil
	}
	if !strings.HasPrefix(ver, "v") {
		ver = "v" + ver
	}
	dep := &pulumirpc.PackageDependency{Name: name, Kind: "resource", Version: ver, Server: info.Pulumi.Server}
	if p := info.Pulumi.Parameterization; p != nil {
		dep.Parameterization = &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
	}
	return dep
}

func (h *nodeHost) GetRequiredPackages(
	ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	var pkgs []*pulumirpc.PackageDependency
	if nm := nearestNodeModules(req.GetInfo().GetProgramDirectory()); nm != "" {
		scanNodeModules(nm, map[string]bool{}, &pkgs)
	}
	// De-duplicate (the same package may be installed at several places).
	seen := map[string]bool{}
	var uniq []*pulumirpc.PackageDependency
	for _, p := range pkgs {
		k := p.Name + "@" + p.Version
		if !seen[k] {
			seen[k] = true
			uniq = append(uniq, p)
		}
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: uniq}, nil
}

// ---- run -----------------------------------------------------------------

// resolveModule resolves a module the way node does from dir.
func resolveModule(ctx context.Context, nodeBin, dir, module string) (string, error) {
	script := fmt.Sprintf("try { process.stdout.write(require.resolve(%q)) } catch (e) { "+
		"console.error(e.code === 'MODULE_NOT_FOUND' ? %q : e.message); process.exit(1) }",
		module, "It looks like the Pulumi SDK has not been installed. Have you run npm install (or pulumi install)?")
	cmd := exec.CommandContext(ctx, nodeBin, "-e", script)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			return "", errors.New(strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func configJSON(req *pulumirpc.RunRequest) (string, error) {
	// @pulumi/pulumi reads both key forms; keep the <namespace>:config:<name> form for old SDKs.
	cfg := make(map[string]string, len(req.GetConfig()))
	for k, v := range req.GetConfig() {
		key, err := config.ParseKey(k)
		if err != nil {
			return "", err
		}
		cfg[key.Namespace()+":config:"+key.Name()] = v
	}
	b, err := json.Marshal(cfg)
	return string(b), err
}

func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	h.mu.Lock()
	engineAddress := h.engineAddress
	h.mu.Unlock()

	info := req.GetInfo()
	programDir := info.GetProgramDirectory()
	if programDir == "" {
		programDir = req.GetPwd()
	}
	entryPoint := info.GetEntryPoint()
	if entryPoint == "" {
		entryPoint = req.GetProgram()
	}
	if entryPoint == "" {
		entryPoint = "."
	}

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on the $PATH: " + err.Error()}, nil
	}
	runModule := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runModule == "" {
		runModule = defaultRunModule
	}
	runPath, err := resolveModule(ctx, nodeBin, programDir, runModule)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	opts, err := parseOptions(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	cfg, err := configJSON(req)
	if err != nil {
		return &pulumirpc.RunResponse{Error: "failed to serialize configuration: " + err.Error()}, nil
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := append([]string{}, opts.nodeArgs...)
	if req.GetAttachDebugger() {
		args = append(args, "--inspect-brk")
	}
	args = append(args, runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", engineAddress)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("root-directory", info.GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", programDir)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", h.tracing)
	args = append(args, entryPoint)
	args = append(args, req.GetArgs()...)

	env := append(os.Environ(),
		"PULUMI_CONFIG="+cfg,
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfigPath != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfigPath)
	}

	cmdCtx, cmdCancel := context.WithCancel(h.cancelCtx)
	defer cmdCancel()
	stop := context.AfterFunc(ctx, cmdCancel)
	defer stop()
	cmd := exec.CommandContext(cmdCtx, nodeBin, args...)
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = programDir
	cmd.Env = env
	// Node may switch its stdio to non-blocking mode, so never hand it our own file descriptors.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	logging.V(5).Infof("Language host launching process: %s %s", nodeBin, strings.Join(args, " "))

	err = cmd.Run()
	_ = os.Stdout.Sync()
	_ = os.Stderr.Sync()
	if err == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		switch code := ee.ExitCode(); code {
		case exitAfterUserActionableMessage:
			return &pulumirpc.RunResponse{Bail: true}, nil
		case 0:
			return &pulumirpc.RunResponse{Error: "Program exited unexpectedly: " + err.Error()}, nil
		default:
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}, nil
		}
	}
	return &pulumirpc.RunResponse{
		Error: "Problem executing program (could not run language executor): " + err.Error(),
	}, nil
}

// ---- dependencies, about, prompts -----------------------------------------

func (h *nodeHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetDirectory()
	}
	opts, err := parseOptions(req.GetInfo())
	if err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, "package.json")); err != nil && req.GetIsPlugin() {
		// npm would install the enclosing package's dependencies instead (a plugin folder inside
		// a checkout): a plugin without a package.json of its own has nothing to install.
		fmt.Fprintf(stdout, "No package.json in %s: no dependencies to install\n\n", dir)
		return closer.Close()
	}
	fmt.Fprintf(stdout, "Installing dependencies...\n\n")
	if _, err := npm.Install(server.Context(), opts.packageManager, dir, false, stdout, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Finished installing dependencies\n\n")
	return closer.Close()
}

func (h *nodeHost) RuntimeOptionsPrompts(
	ctx context.Context, req *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *nodeHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	out, err := exec.CommandContext(ctx, nodeBin, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("failed to run node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{
		Executable: nodeBin,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
		Metadata:   map[string]string{"languageHost": "pulumi-modelarts compact nodejs host"},
	}, nil
}

func (h *nodeHost) GetProgramDependencies(
	ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetPwd()
	}
	pkgPath, err := searchUp(dir, "package.json")
	if err != nil {
		return nil, err
	}
	root, err := readPackageJSON(pkgPath)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for n := range root.Dependencies {
		names[n] = true
	}
	for n := range root.DevDependencies {
		names[n] = true
	}
	nm := nearestNodeModules(filepath.Dir(pkgPath))
	var deps []*pulumirpc.DependencyInfo
	for n := range names {
		v := ""
		if nm != "" {
			if p, err := readPackageJSON(filepath.Join(nm, n, "package.json")); err == nil {
				v = p.Version
			}
		}
		deps = append(deps, &pulumirpc.DependencyInfo{Name: n, Version: v})
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Name < deps[j].Name })
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func searchUp(dir, name string) (string, error) {
	for d := dir; ; {
		p := filepath.Join(d, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no %s found in %s or its parents", name, dir)
		}
		d = parent
	}
}

// ---- plugins from source, linked packages -----------------------------------

// pluginEntry returns the script node runs for the plugin in dir: package.json's main, else its
// only bin (or the bin named after the package), else index.js.
func pluginEntry(dir string) (string, error) {
	entry := "index.js"
	if b, err := os.ReadFile(filepath.Join(dir, "package.json")); err == nil {
		var p struct {
			Name string          "json:\"name\""
			Main string          "json:\"main\""
			Bin  json.RawMessage "json:\"bin\""
		}
		if err := json.Unmarshal(b, &p); err != nil {
			return "", fmt.Errorf("parsing %s: %w", filepath.Join(dir, "package.json"), err)
		}
		var binOne string
		var binMap map[string]string
		switch {
		case p.Main != "":
			entry = p.Main
		case len(p.Bin) > 0 && json.Unmarshal(p.Bin, &binOne) == nil && binOne != "":
			entry = binOne
		case len(p.Bin) > 0 && json.Unmarshal(p.Bin, &binMap) == nil && len(binMap) > 0:
			if named, ok := binMap[p.Name]; ok {
				entry = named
			} else if len(binMap) == 1 {
				for _, v := range binMap {
					entry = v
				}
			} else {
				return "", fmt.Errorf("%s: bin has several entries and none is named %q; set main",
					filepath.Join(dir, "package.json"), p.Name)
			}
		}
	}
	path := filepath.Join(dir, entry)
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, "index.js")
	}
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("the Node.js plugin in %s has no entry point: %s does not exist "+
			"(set main or bin in package.json, or add index.js)", dir, path)
	}
	return path, nil
}

// RunPlugin runs a Node.js plugin (for example a provider) from its source folder: node runs the
// folder's entry point with the engine's arguments, and its output is streamed back.
func (h *nodeHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	code, err := runPlugin(server.Context(), req, stdout, stderr)
	if err != nil {
		_ = closer.Close()
		return err
	}
	// The streams are flushed before an exit code is sent: the exit code ends the engine's reading.
	if err := closer.Close(); err != nil {
		return err
	}
	if code != 0 {
		return server.Send(&pulumirpc.RunPluginResponse{
			Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code},
		})
	}
	return nil
}

// runPlugin runs the plugin to its end and returns its exit code.
func runPlugin(ctx context.Context, req *pulumirpc.RunPluginRequest, stdout, stderr io.Writer) (int32, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetProgram()
	}
	if dir == "" {
		dir = req.GetPwd()
	}
	opts, err := parseOptions(req.GetInfo())
	if err != nil {
		return 0, err
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return 0, fmt.Errorf("could not find node on the $PATH: %w", err)
	}
	entry, err := pluginEntry(dir)
	if err != nil {
		return 0, err
	}

	args := append([]string{}, opts.nodeArgs...)
	if req.GetAttachDebugger() {
		args = append(args, "--inspect-brk")
	}
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = req.GetPwd()
	if cmd.Dir == "" {
		cmd.Dir = dir
	}
	cmd.Env = append(os.Environ(), req.GetEnv()...)
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	logging.V(5).Infof("Language host launching plugin: %s %s", nodeBin, strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return 0, fmt.Errorf("could not run the Node.js plugin in %s: %w", dir, err)
		}
		return int32(ee.ExitCode()), nil //nolint:gosec
	}
	return 0, nil
}

// Link adds generated SDK packages to the program's package.json as file: dependencies, the way
// `npm install <folder>` would; InstallDependencies (called next by the CLI) installs them.
func (h *nodeHost) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	root := req.GetInfo().GetRootDirectory()
	if root == "" {
		root = req.GetInfo().GetProgramDirectory()
	}
	pkgPath := filepath.Join(root, "package.json")
	b, err := os.ReadFile(pkgPath)
	if err != nil {
		return nil, fmt.Errorf("linking needs the project's package.json: %w", err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", pkgPath, err)
	}
	deps := map[string]string{}
	if raw, ok := doc["dependencies"]; ok {
		if err := json.Unmarshal(raw, &deps); err != nil {
			return nil, fmt.Errorf("%s: dependencies must map names to versions: %w", pkgPath, err)
		}
	}
	var instructions strings.Builder
	for _, dep := range req.GetPackages() {
		sdkDir := filepath.Join(root, dep.GetPath())
		sdk, err := readPackageJSON(filepath.Join(sdkDir, "package.json"))
		if err != nil {
			return nil, fmt.Errorf("the package to link at %s has no readable package.json: %w", sdkDir, err)
		}
		deps[sdk.Name] = "file:" + filepath.ToSlash(dep.GetPath())
		fmt.Fprintf(&instructions, "You can then import the SDK in your Node.js code with:\n\n"+
			"  import * as %s from \"%s\";\n\n", importName(dep.GetPackage().GetName()), sdk.Name)
	}
	encoded, err := json.Marshal(deps)
	if err != nil {
		return nil, err
	}
	doc["dependencies"] = encoded
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(pkgPath, append(out, '\n'), 0o600); err != nil {
		return nil, err
	}
	return &pulumirpc.LinkResponse{ImportInstructions: instructions.String()}, nil
}

// importName turns a package name into a JavaScript identifier (my-pkg -> myPkg).
func importName(name string) string {
	var b strings.Builder
	upper := false
	for _, r := range name {
		switch {
		case r == '-' || r == '_' || r == '.':
			upper = b.Len() > 0
		case upper:
			b.WriteString(strings.ToUpper(string(r)))
			upper = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// GeneratePackage is code generation, which this host leaves out; the message says what works.
func (h *nodeHost) GeneratePackage(
	ctx context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	return nil, status.Error(codes.Unimplemented,
		"this compact Node.js language host does not generate SDKs, so `pulumi package add` and "+
			"`pulumi package gen-sdk` cannot make a Node.js SDK: in a Node.js project use the npm package "+
			"that ships one (for ModelArts: pulumi-modelarts), or add the plugin to a YAML project's packages")
}
