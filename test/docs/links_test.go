// Package docs checks the project's documentation as a reader meets it on
// GitHub: every relative link and image in README.md and in the pages
// under docs/ must resolve, to a file of the repository and, with a
// #fragment, to a heading (or an HTML id) of the page it names, with
// GitHub's rules for heading anchors; and the README's embedding example
// must be the code of an Example test that runs.
package docs

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// TestLinksResolve checks every page of the documentation: README.md,
// CHANGELOG.md and every Markdown file under docs/, whatever its name, so
// a new page is checked the moment it is added.
func TestLinksResolve(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	pages, err := markdownPages(root)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(pages, "README.md") || !slices.ContainsFunc(pages, func(p string) bool { return strings.HasPrefix(p, "docs/") }) {
		t.Fatalf("expected README.md and pages under docs/, found %v", pages)
	}
	problems, links, err := checkLinks(root, pages)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("%d pages, %d relative links checked", len(pages), links)
}

// The checker must find each kind of broken link, and only those.
func TestLinkCheckerFindsBrokenLinks(t *testing.T) {
	root := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("README.md", strings.Join([]string{
		"# Title",
		"",
		"## Check the path: `netcheck`",
		"",
		"## Check the path: `netcheck`",
		"",
		"Good: [a](docs/a.md), [b](docs/a.md#what-a-reader-can-do), [self](#check-the-path-netcheck),",
		"[dup](#check-the-path-netcheck-1), [dir](docs/), [code](main.go), [line](main.go#L3),",
		"[html](docs/a.md#custom-id), ![pic](docs/pic.png), [web](https://example.com/x.md#nope),",
		"[ref][r], [spaces](docs/a%20b.md), [query](docs/a.md?plain=1#what-a-reader-can-do).",
		"",
		"Broken: [missing file](docs/missing.md), [missing anchor](docs/a.md#nowhere),",
		"[missing self anchor](#check-the-path), ![missing pic](docs/gone.png), [bad ref][s],",
		"[anchor on code](main.go#main), [outside](../elsewhere.md), [dup 2](#check-the-path-netcheck-2).",
		"",
		"```",
		"[in a code block](docs/not-checked.md)",
		"```",
		"",
		"`[in a code span](docs/not-checked.md)`",
		"",
		"<a href=\"docs/html-missing.md\">html link</a> <img src=\"docs/pic.png\">",
		"",
		"[r]: docs/a.md",
		"[s]: docs/b.md#x",
		"",
	}, "\n"))
	write("docs/a.md", "# A page\n\n## What a reader can do\n\n<a id=\"custom-id\"></a>\n\nBack to [the front](../README.md#title), [wrong](../README.md#titel).\n")
	write("docs/a b.md", "# Spaces\n")
	write("docs/pic.png", "png")
	write("docs/b.md", "# B\n")
	write("main.go", "package main\n")
	pages, err := markdownPages(root)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"README.md", "docs/a b.md", "docs/a.md", "docs/b.md"}; !slices.Equal(pages, want) {
		t.Fatalf("pages: got %v, want %v", pages, want)
	}
	problems, _, err := checkLinks(root, pages)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`README.md: "docs/missing.md": no such file docs/missing.md`,
		`README.md: "docs/a.md#nowhere": docs/a.md has no heading or id for #nowhere`,
		`README.md: "#check-the-path": README.md has no heading or id for #check-the-path`,
		`README.md: "docs/gone.png": no such file docs/gone.png`,
		`README.md: "docs/b.md#x": docs/b.md has no heading or id for #x`,
		`README.md: "main.go#main": main.go is not a Markdown page: only line anchors (#L12, #L12-L20) work there`,
		`README.md: "../elsewhere.md": points outside the repository`,
		`README.md: "#check-the-path-netcheck-2": README.md has no heading or id for #check-the-path-netcheck-2`,
		`README.md: "docs/html-missing.md": no such file docs/html-missing.md`,
		`docs/a.md: "../README.md#titel": README.md has no heading or id for #titel`,
	}
	sort.Strings(want)
	sort.Strings(problems)
	if !slices.Equal(problems, want) {
		t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(problems, "\n  "), strings.Join(want, "\n  "))
	}
}

// Anchors as GitHub makes them (github-slugger): lower case, everything
// but letters, digits, marks, '-', '_' and spaces dropped, each space a
// '-', repeats numbered.
func TestGitHubAnchors(t *testing.T) {
	for _, c := range []struct{ heading, want string }{
		{"Ways out: NAT gateway, NAT instance, IPv6, gateway endpoints", "ways-out-nat-gateway-nat-instance-ipv6-gateway-endpoints"},
		{"Check the internet path before deploying: `netcheck`", "check-the-internet-path-before-deploying-netcheck"},
		{`Exact answers: what "reachable" means`, "exact-answers-what-reachable-means"},
		{"The picture: `--format dot` and `make diagram`", "the-picture---format-dot-and-make-diagram"},
		{"Run the function for real, locally: the VPC twin (`cmd/twin`)", "run-the-function-for-real-locally-the-vpc-twin-cmdtwin"},
		{"app - twin", "app---twin"},
		{"snake_case and Ünïcode", "snake_case-and-ünïcode"},
		{"  trailing  ", "--trailing--"},
	} {
		if got := gitHubSlug(c.heading); got != c.want {
			t.Errorf("gitHubSlug(%q) = %q, want %q", c.heading, got, c.want)
		}
	}
	var a anchors
	for _, want := range []string{"faq", "faq-1", "faq-2"} {
		if got := a.add("FAQ"); got != want {
			t.Errorf("repeat heading: got %q, want %q", got, want)
		}
	}
}

// markdownPages lists the pages to check, as slash paths relative to root:
// README.md and CHANGELOG.md at the root, and every .md file under docs/.
func markdownPages(root string) ([]string, error) {
	var pages []string
	for _, p := range []string{"README.md", "CHANGELOG.md"} {
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			pages = append(pages, p)
		}
	}
	docs := filepath.Join(root, "docs")
	if _, err := os.Stat(docs); err != nil {
		return pages, nil
	}
	err := filepath.WalkDir(docs, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".md") {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			pages = append(pages, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(pages)
	return pages, err
}

// page is what the checker knows of one Markdown file.
type page struct {
	anchors map[string]bool
	links   []string // destinations, as written
}

var md = goldmark.New(goldmark.WithExtensions(extension.GFM))

// htmlAttr finds the attributes of raw HTML that link (href, src) or name
// a place (id, name).
var htmlAttr = regexp.MustCompile(`(?i)\b(href|src|id|name)\s*=\s*["']([^"']*)["']`)

// lineAnchor is GitHub's anchor for a line or a range of lines of a file
// that is not rendered as Markdown.
var lineAnchor = regexp.MustCompile(`^L\d+(-L\d+)?$`)

// parsePage reads a page's headings, HTML ids and links. Links in code
// blocks and code spans are text, not links, as on GitHub.
func parsePage(src []byte) *page {
	pg := &page{anchors: map[string]bool{}}
	var slugs anchors
	html := func(s []byte) {
		for _, m := range htmlAttr.FindAllSubmatch(s, -1) {
			switch strings.ToLower(string(m[1])) {
			case "href", "src":
				pg.links = append(pg.links, string(m[2]))
			default:
				pg.anchors[string(m[2])] = true
			}
		}
	}
	doc := md.Parser().Parse(text.NewReader(src))
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			pg.anchors[slugs.add(plainText(n, src))] = true
		case *ast.Link:
			pg.links = append(pg.links, string(n.Destination))
		case *ast.Image:
			pg.links = append(pg.links, string(n.Destination))
		case *ast.RawHTML:
			var b bytes.Buffer
			for i := 0; i < n.Segments.Len(); i++ {
				s := n.Segments.At(i)
				b.Write(s.Value(src))
			}
			html(b.Bytes())
		case *ast.HTMLBlock:
			var b bytes.Buffer
			for i := 0; i < n.Lines().Len(); i++ {
				s := n.Lines().At(i)
				b.Write(s.Value(src))
			}
			html(b.Bytes())
		}
		return ast.WalkContinue, nil
	})
	return pg
}

// plainText is a heading's text as GitHub slugs it: the text of every
// inline below it, code spans included, HTML tags left out.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Value(src))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// anchors numbers repeated headings as GitHub does: the second "FAQ" is
// #faq-1.
type anchors map[string]int

func (a *anchors) add(heading string) string {
	if *a == nil {
		*a = anchors{}
	}
	base := gitHubSlug(heading)
	slug := base
	for {
		if _, taken := (*a)[slug]; !taken {
			break
		}
		(*a)[base]++
		slug = fmt.Sprintf("%s-%d", base, (*a)[base])
	}
	(*a)[slug] = 0
	return slug
}

// gitHubSlug is a heading's anchor on GitHub (github-slugger): lower case;
// only letters, digits, marks, '-', '_' and spaces kept; each space a '-'.
func gitHubSlug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// checkLinks checks every relative link of pages (slash paths under root)
// and returns one line per broken link, and how many were checked.
func checkLinks(root string, pages []string) (problems []string, checked int, err error) {
	parsed := map[string]*page{}
	load := func(p string) (*page, error) {
		if pg, ok := parsed[p]; ok {
			return pg, nil
		}
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			return nil, err
		}
		pg := parsePage(src)
		parsed[p] = pg
		return pg, nil
	}
	for _, p := range pages {
		pg, err := load(p)
		if err != nil {
			return nil, 0, err
		}
		for _, dest := range pg.links {
			problem, relative := checkLink(root, p, dest, load)
			if !relative {
				continue
			}
			checked++
			if problem != "" {
				problems = append(problems, fmt.Sprintf("%s: %q: %s", p, dest, problem))
			}
		}
	}
	return problems, checked, nil
}

// checkLink checks one destination written in page from; relative is false
// for links the checker leaves alone (other sites, mail).
func checkLink(root, from, dest string, load func(string) (*page, error)) (problem string, relative bool) {
	u, err := url.Parse(dest)
	if err != nil {
		return fmt.Sprintf("not a valid link: %v", err), true
	}
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(dest, "//") {
		return "", false
	}
	target := from
	if u.Path != "" {
		if strings.HasPrefix(u.Path, "/") {
			target = strings.TrimPrefix(path.Clean(u.Path), "/")
		} else {
			target = path.Join(path.Dir(from), u.Path)
		}
		if target == ".." || strings.HasPrefix(target, "../") {
			return "points outside the repository", true
		}
		st, err := os.Stat(filepath.Join(root, filepath.FromSlash(target)))
		if err != nil {
			return "no such file " + target, true
		}
		if st.IsDir() {
			if u.Fragment != "" {
				return target + " is a directory: it has no anchors", true
			}
			return "", true
		}
	}
	if u.Fragment == "" {
		return "", true
	}
	if !strings.EqualFold(path.Ext(target), ".md") {
		if lineAnchor.MatchString(u.Fragment) {
			return "", true
		}
		return target + " is not a Markdown page: only line anchors (#L12, #L12-L20) work there", true
	}
	pg, err := load(target)
	if err != nil {
		return err.Error(), true
	}
	if !pg.anchors[u.Fragment] {
		return fmt.Sprintf("%s has no heading or id for #%s", target, u.Fragment), true
	}
	return "", true
}
