package docs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The README's embedding example is a whole program; its main function's
// body must be the body of the Example test in test/embed (which runs it
// in a module of its own, as an embedder's app), up to the lines that
// check what it built, and every import the README shows must be one the
// example compiles with. So the README's example always compiles and
// synthesizes.
func TestReadmeEmbeddingExampleIsTested(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(filepath.Join("..", "embed", "example_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	var program string
	for _, block := range goBlocks(string(readme)) {
		if strings.Contains(block, "package main") && strings.Contains(block, "vpclambda.NewVpcLambda") {
			program = block
			break
		}
	}
	if program == "" {
		t.Fatal("README.md has no ```go block with a whole app (package main) embedding the construct")
	}
	body, ok := between(program, "\nfunc main() {\n", "\n}")
	if !ok {
		t.Fatalf("the README's example has no func main:\n%s", program)
	}
	want, ok := between(string(example), "\nfunc Example() {\n", "\t// What the app built")
	if !ok {
		t.Fatal("test/embed/example_test.go has no func Example() with a line starting \"// What the app built\"")
	}
	if strings.TrimRight(body, "\n") != strings.TrimRight(want, "\n") {
		t.Errorf("the README's main body and test/embed's Example differ; make them the same.\nREADME:\n%s\nExample:\n%s", body, want)
	}
	imports, ok := between(program, "import (\n", "\n)")
	if !ok {
		t.Fatal("the README's example has no import block")
	}
	// The construct's package comment (go doc) shows the same app.
	docGo, err := os.ReadFile(filepath.Join("..", "..", "constructs", "vpclambda", "doc.go"))
	if err != nil {
		t.Fatal(err)
	}
	var shown []string
	for _, line := range strings.Split(string(docGo), "\n") {
		switch {
		case strings.HasPrefix(line, "//\t"):
			shown = append(shown, strings.TrimPrefix(line, "//\t"))
		case line == "//" && len(shown) > 0:
			shown = append(shown, "")
		}
	}
	if !strings.Contains(strings.Join(shown, "\n"), strings.TrimRight(program, "\n")) {
		t.Errorf("the construct's package comment (constructs/vpclambda/doc.go) must show the README's example app as it is:\n%s", program)
	}
	exampleImports, _ := between(string(example), "import (\n", "\n)")
	for _, line := range strings.Split(imports, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.Contains(exampleImports, line) {
			t.Errorf("the README's example imports %s, which test/embed's Example does not", line)
		}
	}
}

// goBlocks returns the content of every ```go fenced block of a page.
func goBlocks(page string) []string {
	var blocks []string
	var cur []string
	in := false
	for _, line := range strings.Split(page, "\n") {
		switch {
		case !in && strings.TrimSpace(line) == "```go":
			in, cur = true, nil
		case in && strings.TrimSpace(line) == "```":
			in = false
			blocks = append(blocks, strings.Join(cur, "\n")+"\n")
		case in:
			cur = append(cur, line)
		}
	}
	return blocks
}

// between returns the text after the first start and before the next end.
func between(s, start, end string) (string, bool) {
	i := strings.Index(s, start)
	if i < 0 {
		return "", false
	}
	s = s[i+len(start):]
	j := strings.Index(s, end)
	if j < 0 {
		return "", false
	}
	return s[:j], true
}
