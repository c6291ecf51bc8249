//go:build tools

// Package tools pins the OpenTofu CLI as a dependency of this module, so `go mod tidy`
// records every module its build needs.
package tools

import _ "github.com/opentofu/opentofu/cmd/tofu"
