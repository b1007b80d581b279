// Bench server: Go 1.23 net/http with the GitHub API route set on a ServeMux; each handler writes its pattern.
// Usage: mix ROUTES_JSON PORT (run with GOMAXPROCS=1). Prints "listening on host:port".
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
)

func main() {
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	var routes struct{ Patterns []string }
	if err := json.Unmarshal(data, &routes); err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	for _, p := range routes.Patterns {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Pattern) })
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+os.Args[2])
	if err != nil {
		panic(err)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	http.Serve(ln, mux)
}
