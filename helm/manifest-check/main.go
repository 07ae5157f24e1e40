// Command manifest-check reads rendered Kubernetes manifests (helm template output) on stdin and
// decodes every document strictly into its Kubernetes API type (k8s.io/api): an unknown or
// misplaced field, a duplicate field or a wrong type fails, as the API server would reject it.
// It also applies the API server's name rules that helm lint does not: object names, label
// values, and port names (IANA_SVC_NAME: at most 15 characters). Kinds outside core/v1, apps/v1
// and policy/v1 (e.g. monitoring.coreos.com ServiceMonitor) are listed as not checked.
//
// Used by scripts/helm-check.sh: helm template … | go run ./helm/manifest-check
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"k8s.io/apimachinery/pkg/util/validation"
	kyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

func main() {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{corev1.AddToScheme, appsv1.AddToScheme, policyv1.AddToScheme} {
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
			Metadata         metav1.ObjectMeta `json:"metadata"`
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
	report("not checked (kind unknown to k8s.io/api core/apps/policy)", skipped)
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
