// Command kubectl-reader reads manifest files through kubectl's own reading code
// (k8s.io/cli-runtime's resource builder, as `kubectl create -f FILE` does: BOM handling, the
// YAML-or-JSON stream decoder, document splitting, sigs.k8s.io/yaml conversion, list flattening)
// without a cluster, and prints for each file the objects kubectl would send, or its error, as one
// JSON object keyed by file name. The e2e suite compares zeroport's reading with it.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/cli-runtime/pkg/resource"
)

type result struct {
	Objects []map[string]interface{} `json:"objects"`
	Errors  []string                 `json:"errors,omitempty"`
}

func read(path string) (res result) {
	res.Objects = []map[string]interface{}{}
	defer func() {
		// A panic in the reading code is kubectl failing on this file.
		if r := recover(); r != nil {
			res.Errors = append(res.Errors, fmt.Sprintf("panic: %v", r))
		}
	}()
	r := resource.NewLocalBuilder().
		Unstructured().
		ContinueOnError().
		FilenameParam(false, &resource.FilenameOptions{Filenames: []string{path}}).
		Flatten().
		Do()
	err := r.Visit(func(info *resource.Info, err error) error {
		if err != nil {
			return err
		}
		if u, ok := info.Object.(*unstructured.Unstructured); ok {
			res.Objects = append(res.Objects, u.Object)
		} else {
			res.Errors = append(res.Errors, fmt.Sprintf("not unstructured: %T", info.Object))
		}
		return nil
	})
	if err != nil {
		res.Errors = append(res.Errors, err.Error())
	}
	return res
}

func main() {
	out := map[string]result{}
	for _, path := range os.Args[1:] {
		out[path] = read(path)
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
