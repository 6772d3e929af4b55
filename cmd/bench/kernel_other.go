//go:build !linux

package main

import "errors"

// exitedCPU needs Linux's waitid and /proc (kernel_linux.go).
func exitedCPU(int) (self, children float64, err error) {
	return 0, 0, errors.New("not measured: needs Linux")
}
