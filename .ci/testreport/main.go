// Command testreport reads `go test -json` on stdin and prints a short
// report: one line per package with its time, the output of every failing
// test, and a closing "N passed, N failed, N skipped" line. Under CI=true a
// skipped test is a failure: CI installs every service the tests need, so a
// skip there means a broken CI, not a missing tool.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

func main() {
	ci := os.Getenv("CI") == "true"
	output := map[string]*strings.Builder{} // "pkg test" -> output
	pkgOut := map[string]*strings.Builder{}
	var passed, failed, skipped int
	var skips, fails []string
	var pkgs []string
	pkgResult := map[string]string{}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			fmt.Println(string(line)) // build errors arrive as plain text
			continue
		}
		key := e.Package + " " + e.Test
		switch e.Action {
		case "output":
			if e.Test != "" {
				if output[key] == nil {
					output[key] = &strings.Builder{}
				}
				output[key].WriteString(e.Output)
			} else {
				if pkgOut[e.Package] == nil {
					pkgOut[e.Package] = &strings.Builder{}
				}
				pkgOut[e.Package].WriteString(e.Output)
			}
		case "pass", "fail", "skip":
			if e.Test == "" {
				pkgs = append(pkgs, e.Package)
				pkgResult[e.Package] = fmt.Sprintf("%-4s %-60s %7.2fs", map[string]string{"pass": "ok", "fail": "FAIL", "skip": "skip"}[e.Action], e.Package, e.Elapsed)
				if e.Action == "fail" {
					if b := pkgOut[e.Package]; b != nil && !strings.Contains(b.String(), "--- FAIL") {
						fmt.Printf("=== package %s failed:\n%s\n", e.Package, b.String())
					}
				}
				continue
			}
			switch e.Action {
			case "pass":
				passed++
			case "fail":
				failed++
				fails = append(fails, key)
				if b := output[key]; b != nil {
					fmt.Printf("=== %s\n%s\n", key, b.String())
				}
			case "skip":
				skipped++
				reason := ""
				if b := output[key]; b != nil {
					reason = strings.TrimSpace(lastLine(b.String()))
				}
				skips = append(skips, key+": "+reason)
			}
			delete(output, key)
		}
	}
	sort.Strings(pkgs)
	for _, p := range pkgs {
		fmt.Println(pkgResult[p])
	}
	if len(skips) > 0 {
		fmt.Println("\nskipped:")
		for _, s := range skips {
			fmt.Println("  " + s)
		}
	}
	if len(fails) > 0 {
		fmt.Println("\nfailed:")
		for _, f := range fails {
			fmt.Println("  " + f)
		}
	}
	fmt.Printf("\n%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if ci && skipped > 0 {
		fmt.Println("CI=true: skipped tests count as failures (CI installs every service the tests need)")
		os.Exit(1)
	}
	if failed > 0 {
		os.Exit(1)
	}
	for _, p := range pkgs {
		if strings.HasPrefix(pkgResult[p], "FAIL") {
			os.Exit(1)
		}
	}
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
