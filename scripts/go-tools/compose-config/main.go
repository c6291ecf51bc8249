// Command compose-config loads Compose files with compose-go, the loader Docker Compose itself
// uses (interpolation, merging of overlays, the compose-spec schema, semantic checks such as
// unknown dependencies), and prints the resulting project as JSON, like `docker compose config
// --format json`. On files the loader refuses it prints the loader's error and exits 1.
//
// Usage: compose-config FILE [FILE...]
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-config FILE [FILE...]")
		os.Exit(2)
	}
	if err := load(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func load(files []string) error {
	options, err := cli.NewProjectOptions(
		files,
		// Only the files' own defaults: the result must not depend on the caller's environment.
		cli.WithEnv(nil),
		cli.WithInterpolation(true),
		cli.WithName("agent-runtime"),
		cli.WithWorkingDirectory(filepath.Dir(files[0])),
	)
	if err != nil {
		return err
	}
	project, err := cli.ProjectFromOptions(context.Background(), options)
	if err != nil {
		return err
	}
	out, err := json.MarshalIndent(project, "", "  ")
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(append(out, '\n'))
	return err
}
