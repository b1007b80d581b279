// Command go-decls lists the functions and methods that Go's own sources declare in the packages
// docs/go-behaviour.md cites, so that a test can check every "Go:" reference of that page without Go installed.
//
//	cd __tests__/docs/go-decls && go run . > ../go-decls.json
//
// The output is JSON: the Go version and, per source file (relative to GOROOT/src), its sorted top-level
// declarations: `Name` for a function, constant, variable or type, `(T).Name` or `(*T).Name` for a method.
package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// The packages the index may cite. The vendored HTTP/2 and SOCKS bundles are left out: the index is about
// the HTTP/1 server.
var packages = []string{
	"bufio", "mime", "mime/multipart", "net/http", "net/http/httputil", "net/http/internal", "net/textproto", "net/url", "path",
	"vendor/golang.org/x/net/http/httpguts",
}

var skip = map[string]bool{"net/http/h2_bundle.go": true, "net/http/socks_bundle.go": true}

func recv(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return "*" + recv(t.X)
	case *ast.Ident:
		return t.Name
	case *ast.IndexExpr:
		return recv(t.X)
	case *ast.IndexListExpr:
		return recv(t.X)
	}
	return "?"
}

func main() {
	root := filepath.Join(runtime.GOROOT(), "src")
	out := map[string][]string{}
	for _, pkg := range packages {
		files, err := filepath.Glob(filepath.Join(root, pkg, "*.go"))
		if err != nil {
			panic(err)
		}
		for _, f := range files {
			rel := filepath.ToSlash(strings.TrimPrefix(f, root+string(filepath.Separator)))
			if strings.HasSuffix(rel, "_test.go") || skip[rel] {
				continue
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.SkipObjectResolution)
			if err != nil {
				panic(err)
			}
			names := []string{}
			for _, d := range af.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					name := d.Name.Name
					if d.Recv != nil && len(d.Recv.List) == 1 {
						name = "(" + recv(d.Recv.List[0].Type) + ")." + name
					}
					names = append(names, name)
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						switch s := spec.(type) {
						case *ast.ValueSpec:
							for _, n := range s.Names {
								if n.Name != "_" {
									names = append(names, n.Name)
								}
							}
						case *ast.TypeSpec:
							names = append(names, s.Name.Name)
						}
					}
				}
			}
			sort.Strings(names)
			out[rel] = names
		}
	}
	b, err := json.MarshalIndent(struct {
		Go    string              `json:"go"`
		Files map[string][]string `json:"files"`
	}{runtime.Version(), out}, "", " ")
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b))
}
