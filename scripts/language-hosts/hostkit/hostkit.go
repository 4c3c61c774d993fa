// Package hostkit holds what pulumi-modelarts' compact Python and Go language hosts share: the
// gRPC serving loop the engine expects from a language plugin, the configuration handed to
// programs, cancellation, and SDK generation from a schema through pkg/v3's code generators.
//
// Compiled by scripts/ensure-pulumi.ts in a module beside the one that builds the CLI (same
// module versions, same build cache).
package hostkit

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// ExitAfterUserActionableMessage is the exit code with which a program runner says "the error was
// already shown to the user" (the engine then bails without printing it again).
const ExitAfterUserActionableMessage = 32

// Base carries the state every host needs: the engine address and cancellation.
type Base struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	// Name says which host refuses what it does not implement, e.g. "the pulumi-modelarts Python language host".
	Name string

	mu            sync.Mutex
	engineAddress string
	Tracing       string
	cancelCtx     context.Context
	cancelFunc    context.CancelFunc
}

// NewBase returns the shared state for a host started with the given engine address.
func NewBase(name, engineAddress, tracing string) Base {
	ctx, cancel := context.WithCancel(context.Background())
	return Base{Name: name, engineAddress: engineAddress, Tracing: tracing, cancelCtx: ctx, cancelFunc: cancel}
}

func (b *Base) unsupported(what string) error {
	return status.Errorf(codes.Unimplemented, "%s is not supported by %s", what, b.Name)
}

// GenerateProgram is not implemented: `pulumi convert` and the code `pulumi import` writes.
func (b *Base) GenerateProgram(context.Context, *pulumirpc.GenerateProgramRequest) (*pulumirpc.GenerateProgramResponse, error) {
	return nil, b.unsupported("generating programs (pulumi convert, pulumi import without --generate-code=false)")
}

// GenerateProject is not implemented: `pulumi convert`.
func (b *Base) GenerateProject(context.Context, *pulumirpc.GenerateProjectRequest) (*pulumirpc.GenerateProjectResponse, error) {
	return nil, b.unsupported("generating projects (pulumi convert)")
}

// Pack is not implemented: packing SDKs into artifacts.
func (b *Base) Pack(context.Context, *pulumirpc.PackRequest) (*pulumirpc.PackResponse, error) {
	return nil, b.unsupported("packing SDKs (Pack)")
}

// Template is not implemented: `pulumi new` templates.
func (b *Base) Template(context.Context, *pulumirpc.TemplateRequest) (*pulumirpc.TemplateResponse, error) {
	return nil, b.unsupported("pulumi new templates")
}

// EngineAddress is the address given at start-up or by Handshake.
func (b *Base) EngineAddress() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.engineAddress
}

// Handshake records the engine address.
func (b *Base) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.engineAddress = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// GetPluginInfo reports the Pulumi version the host was built for.
func (b *Base) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// Cancel stops every program the host started.
func (b *Base) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	b.cancelFunc()
	return &emptypb.Empty{}, nil
}

// RuntimeOptionsPrompts asks nothing: `pulumi new` templates are not supported by these hosts.
func (b *Base) RuntimeOptionsPrompts(
	context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

// RunContext is a context for a program's process that ends when ctx ends or the engine cancels.
func (b *Base) RunContext(ctx context.Context) (context.Context, context.CancelFunc) {
	runCtx, cancel := context.WithCancel(b.cancelCtx)
	stop := context.AfterFunc(ctx, cancel)
	return runCtx, func() {
		stop()
		cancel()
	}
}

// Interruptible makes a command built with a context stop by SIGINT first (so that the program can
// finish its in-flight steps), then by SIGKILL five seconds later.
func Interruptible(cmd *exec.Cmd) {
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = 5 * time.Second
}

// Main parses the plugin command line the engine uses (`-tracing`, `-root`, `-version`, then the
// engine address), starts the gRPC server, prints its port and serves until cancelled.
func Main(name string, newHost func(engineAddress, tracing string) pulumirpc.LanguageRuntimeServer) {
	var tracing string
	flag.StringVar(&tracing, "tracing", "", "Emit tracing to a Zipkin-compatible tracing endpoint")
	flag.String("root", "", "Project root path to use (accepted for compatibility; unused)")
	flag.String("binary", "", "Accepted for compatibility with the upstream host; unused")
	showVersion := flag.Bool("version", false, "Print the current plugin version and exit")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
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
		cmdutil.Exit(fmt.Errorf("could not start %s RPC server: %w", name, err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("%s RPC stopped serving: %w", name, err))
	}
}

// ProgramDir is the folder of the program (info.programDirectory, else the request's pwd).
func ProgramDir(info *pulumirpc.ProgramInfo, fallback string) string {
	if d := info.GetProgramDirectory(); d != "" {
		return d
	}
	return fallback
}

// ConfigJSON serializes the stack configuration as the engine sent it (`<namespace>:<name>` keys)
// for PULUMI_CONFIG, and the secret keys for PULUMI_CONFIG_SECRET_KEYS.
func ConfigJSON(req *pulumirpc.RunRequest) (string, string, error) {
	cfg := req.GetConfig()
	if cfg == nil {
		cfg = map[string]string{}
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		return "", "", err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	s, err := json.Marshal(secretKeys)
	return string(b), string(s), err
}

// StringOption reads a string runtime option (`runtime.options.<name>` in Pulumi.yaml).
func StringOption(info *pulumirpc.ProgramInfo, name string) (string, error) {
	if info.GetOptions() == nil {
		return "", nil
	}
	v, ok := info.GetOptions().AsMap()[name]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("runtime option %q must be a string", name)
	}
	return s, nil
}

// RejectOptions fails on runtime options this host does not implement, naming them, instead of
// silently running differently from the upstream host.
func RejectOptions(info *pulumirpc.ProgramInfo, host string, supported ...string) error {
	if info.GetOptions() == nil {
		return nil
	}
	var unknown []string
	for k := range info.GetOptions().AsMap() {
		ok := false
		for _, s := range supported {
			ok = ok || k == s
		}
		if !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	return fmt.Errorf("runtime option(s) %s not supported by %s (supported: %s)",
		strings.Join(unknown, ", "), host, strings.Join(supported, ", "))
}

// Generator produces an SDK's files for a bound schema.
type Generator func(pkg *schema.Package, loader schema.ReferenceLoader) (map[string][]byte, error)

// GeneratePackage binds the schema of the request (with the engine's schema loader for referenced
// packages), runs gen and writes the files below req.Directory. Schema errors are returned as
// diagnostics, like the upstream hosts do.
func GeneratePackage(req *pulumirpc.GeneratePackageRequest, gen Generator) (*pulumirpc.GeneratePackageResponse, error) {
	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.GetSchema()), &spec); err != nil {
		return nil, fmt.Errorf("parsing the schema: %w", err)
	}
	cached := schema.NewCachedLoader(loader)
	pkg, diags, err := schema.BindSpec(spec, cached, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	rpcDiags := plugin.HclDiagnosticsToRPCDiagnostics(diags)
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiags}, nil
	}
	files, err := gen(pkg, cached)
	if err != nil {
		return nil, err
	}
	for name, content := range files {
		p := filepath.Join(req.GetDirectory(), name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiags}, nil
}

// ExitResponse turns the outcome of a program's process into the RunResponse the engine expects.
func ExitResponse(err error) *pulumirpc.RunResponse {
	if err == nil {
		return &pulumirpc.RunResponse{}
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		switch code := ee.ExitCode(); code {
		case ExitAfterUserActionableMessage:
			return &pulumirpc.RunResponse{Bail: true}
		case 0:
			return &pulumirpc.RunResponse{Error: "Program exited unexpectedly: " + err.Error()}
		default:
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}
		}
	}
	return &pulumirpc.RunResponse{Error: "Problem executing program (could not run language executor): " + err.Error()}
}

// SearchUp finds name in dir or its parents.
func SearchUp(dir, name string) (string, error) {
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

// PluginJSON is the pulumi-plugin.json that generated SDKs carry.
type PluginJSON struct {
	Resource bool   `json:"resource"`
	Name     string `json:"name"`
	Version  string `json:"version"`
	Server   string `json:"server"`
}

// ToPackageDependency turns a pulumi-plugin.json into the engine's package dependency.
func (p PluginJSON) ToPackageDependency() *pulumirpc.PackageDependency {
	if !p.Resource || p.Name == "" || p.Version == "" {
		return nil
	}
	v := p.Version
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	return &pulumirpc.PackageDependency{Name: p.Name, Kind: "resource", Version: v, Server: p.Server}
}
