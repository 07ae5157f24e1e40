// Command manifest-check reads rendered Kubernetes manifests (helm template output) on stdin and
// decodes every document strictly into its Kubernetes API type (k8s.io/api): an unknown or
// misplaced field, a duplicate field or a wrong type fails, as the API server would reject it.
// It also applies the API server's name rules that helm lint does not: object names, label
// values, and port names (IANA_SVC_NAME: at most 15 characters). Kinds outside core/v1, apps/v1
// policy/v1 and networking.k8s.io/v1 (e.g. monitoring.coreos.com ServiceMonitor) are listed as
// not checked.
//
// Then the chart's own policy on every Deployment: no root, no privileged container, capabilities
// dropped and NET_RAW added only to the icmp-prober, liveness and readiness probes and resource
// requests/limits on every container, and (with -root DIR) every script path of a container's
// command exists in the build under DIR (services/<name>/dist/main.js).
//
// Used by scripts/helm-check.sh: helm template … | manifest-check -root .
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/validation"
	kyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// buildRoot is where command paths are looked up (-root); empty: not checked.
var buildRoot string

func main() {
	flag.StringVar(&buildRoot, "root", "", "repository root with the build: every services/…/dist/*.js in a command must exist under it")
	flag.Parse()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme, policyv1.AddToScheme, networkingv1.AddToScheme} {
		if err := add(scheme); err != nil {
			fail("scheme: %v", err)
		}
	}
	decoder := kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, scheme, scheme, kjson.SerializerOptions{Yaml: true, Strict: true})

	reader := kyaml.NewYAMLReader(bufio.NewReader(os.Stdin))
	checked := map[string]int{}
	skipped := map[string]int{}
	var problems []string
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fail("reading manifests: %v", err)
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		var meta struct {
			metav1.TypeMeta `json:",inline"`
			Metadata        metav1.ObjectMeta `json:"metadata"`
		}
		if err := yaml.Unmarshal(doc, &meta); err != nil {
			problems = append(problems, fmt.Sprintf("unparseable document: %v", err))
			continue
		}
		gvk := schema.FromAPIVersionAndKind(meta.APIVersion, meta.Kind)
		id := fmt.Sprintf("%s %s", meta.Kind, meta.Metadata.Name)
		for _, msg := range validation.IsDNS1123Subdomain(meta.Metadata.Name) {
			problems = append(problems, fmt.Sprintf("%s: metadata.name: %s", id, msg))
		}
		for k, v := range meta.Metadata.Labels {
			for _, msg := range validation.IsValidLabelValue(v) {
				problems = append(problems, fmt.Sprintf("%s: label %s=%q: %s", id, k, v, msg))
			}
		}
		if !scheme.Recognizes(gvk) {
			skipped[gvk.String()]++
			continue
		}
		obj, _, err := decoder.Decode(doc, nil, nil)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", id, err))
			continue
		}
		checked[gvk.Kind]++
		problems = append(problems, semantic(id, obj)...)
	}
	report("checked", checked)
	report("not checked (kind unknown to k8s.io/api core/apps/policy/networking)", skipped)
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintln(os.Stderr, "manifest-check:", p)
		}
		os.Exit(1)
	}
	if len(checked) == 0 {
		fail("no Kubernetes object on stdin")
	}
}

// semantic applies the name rules the API server enforces on what the chart generates.
func semantic(id string, obj runtime.Object) []string {
	var out []string
	portName := func(where, name string) {
		for _, msg := range validation.IsValidPortName(name) {
			out = append(out, fmt.Sprintf("%s: %s port name %q: %s", id, where, name, msg))
		}
	}
	switch o := obj.(type) {
	case *appsv1.Deployment:
		if o.Spec.Selector == nil || len(o.Spec.Selector.MatchLabels) == 0 {
			out = append(out, id+": no selector")
		}
		for k, v := range o.Spec.Selector.MatchLabels {
			if o.Spec.Template.Labels[k] != v {
				out = append(out, fmt.Sprintf("%s: selector %s=%s does not match the pod template's labels", id, k, v))
			}
		}
		for _, c := range o.Spec.Template.Spec.Containers {
			for _, p := range c.Ports {
				portName("container "+c.Name, p.Name)
			}
		}
		out = append(out, policy(id, &o.Spec.Template.Spec)...)
	case *corev1.Service:
		for _, msg := range validation.IsDNS1035Label(o.Name) {
			out = append(out, fmt.Sprintf("%s: Service name: %s", id, msg))
		}
		seen := map[string]bool{}
		for _, p := range o.Spec.Ports {
			portName("service", p.Name)
			key := fmt.Sprintf("%d/%s", p.Port, p.Protocol)
			if seen[key] {
				out = append(out, fmt.Sprintf("%s: port %s twice", id, key))
			}
			seen[key] = true
		}
		if o.Spec.ExternalTrafficPolicy != "" && o.Spec.Type != corev1.ServiceTypeLoadBalancer && o.Spec.Type != corev1.ServiceTypeNodePort {
			out = append(out, fmt.Sprintf("%s: externalTrafficPolicy on a %s Service", id, o.Spec.Type))
		}
	}
	return out
}

// The icmp-prober's container: the one allowed to add a capability, NET_RAW.
const prober = "icmp-prober"

// policy: what the chart promises about every pod it renders.
func policy(id string, pod *corev1.PodSpec) []string {
	var out []string
	bad := func(format string, args ...any) { out = append(out, id+": "+fmt.Sprintf(format, args...)) }
	psc := pod.SecurityContext
	if psc == nil || psc.RunAsNonRoot == nil || !*psc.RunAsNonRoot {
		bad("pod securityContext.runAsNonRoot is not true")
	}
	if psc != nil && psc.RunAsUser != nil && *psc.RunAsUser == 0 {
		bad("pod securityContext.runAsUser is 0 (root)")
	}
	if len(pod.InitContainers) > 0 || len(pod.EphemeralContainers) > 0 {
		bad("init or ephemeral containers: the chart renders none")
	}
	for _, c := range pod.Containers {
		where := "container " + c.Name
		sc := c.SecurityContext
		if sc == nil {
			bad("%s: no securityContext", where)
			continue
		}
		if sc.Privileged != nil && *sc.Privileged {
			bad("%s: privileged", where)
		}
		if sc.RunAsUser != nil && *sc.RunAsUser == 0 {
			bad("%s: runAsUser 0 (root)", where)
		}
		if sc.RunAsNonRoot != nil && !*sc.RunAsNonRoot {
			bad("%s: runAsNonRoot false", where)
		}
		if sc.Capabilities == nil || !hasCap(sc.Capabilities.Drop, "ALL") {
			bad("%s: capabilities.drop does not hold ALL", where)
		}
		if sc.Capabilities != nil {
			for _, cap := range sc.Capabilities.Add {
				if c.Name != prober || cap != "NET_RAW" {
					bad("%s: adds capability %s (only %s adds one: NET_RAW)", where, cap, prober)
				}
			}
		}
		if c.Name == prober && (sc.Capabilities == nil || !hasCap(sc.Capabilities.Add, "NET_RAW")) {
			bad("%s: without NET_RAW it cannot open raw ICMP sockets", where)
		}
		if sc.AllowPrivilegeEscalation == nil || (*sc.AllowPrivilegeEscalation && c.Name != prober) {
			bad("%s: allowPrivilegeEscalation must be false (only the prober's file capability needs it)", where)
		}
		if c.LivenessProbe == nil || c.ReadinessProbe == nil {
			bad("%s: needs a livenessProbe and a readinessProbe", where)
		}
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			if _, ok := c.Resources.Requests[r]; !ok {
				bad("%s: no resources.requests.%s", where, r)
			}
		}
		if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
			bad("%s: no resources.limits.memory", where)
		}
		if len(c.Command) == 0 {
			bad("%s: no command (the image's default runs everything in one process)", where)
		}
		if buildRoot != "" {
			for _, arg := range append(append([]string{}, c.Command...), c.Args...) {
				if !strings.HasSuffix(arg, ".js") || filepath.IsAbs(arg) {
					continue
				}
				if _, err := os.Stat(filepath.Join(buildRoot, arg)); err != nil {
					bad("%s: command path %s is not in the build (%v)", where, arg, err)
				}
			}
		}
	}
	return out
}

func hasCap(list []corev1.Capability, want corev1.Capability) bool {
	for _, c := range list {
		if c == want {
			return true
		}
	}
	return false
}

func stripComments(doc []byte) []byte {
	var b bytes.Buffer
	for _, line := range strings.Split(string(doc), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			b.WriteString(line + "\n")
		}
	}
	return b.Bytes()
}

func report(what string, counts map[string]int) {
	if len(counts) == 0 {
		return
	}
	kinds := make([]string, 0, len(counts))
	for k, n := range counts {
		kinds = append(kinds, fmt.Sprintf("%s×%d", k, n))
	}
	sort.Strings(kinds)
	fmt.Printf("manifest-check: %s: %s\n", what, strings.Join(kinds, " "))
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "manifest-check: "+format+"\n", args...)
	os.Exit(1)
}
