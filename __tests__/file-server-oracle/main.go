// The Go 1.23 reference for nethttp's file-server goldens (__tests__/file-server.golden.json): Go's own
// FileServer, FileServerFS, ServeFile, ServeFileFS and ServeContent over the test tree. Modes: "mux" (the
// functional cases, mounted as the test mounts nethttp's), "bare" and "barefs" (a file server as the whole
// server handler, for the traversal corpus). Re-record with __tests__/file-server.record.ts.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"
)

func main() {
	root := flag.String("root", ".", "root")
	mode := flag.String("mode", "mux", "bare|mux")
	flag.Parse()
	var h http.Handler
	if *mode == "bare" {
		h = http.FileServer(http.Dir(*root))
	} else if *mode == "barefs" {
		h = http.FileServerFS(os.DirFS(*root))
	} else {
		mux := http.NewServeMux()
		mux.Handle("/", http.FileServer(http.Dir(*root)))
		mux.Handle("/_fsfs/", http.StripPrefix("/_fsfs", http.FileServerFS(os.DirFS(*root))))
		mux.Handle("/_static/", http.StripPrefix("/_static", http.FileServer(http.Dir(*root))))
		mux.HandleFunc("/_servefile/", func(w http.ResponseWriter, r *http.Request) {
			http.ServeFile(w, r, *root+"/"+r.URL.Query().Get("f"))
		})
		mux.HandleFunc("/_servefilefs/", func(w http.ResponseWriter, r *http.Request) {
			http.ServeFileFS(w, r, os.DirFS(*root), r.URL.Query().Get("f"))
		})
		mux.HandleFunc("/_content/", func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			for _, kv := range q["h"] { // "Key:Value"
				i := bytes.IndexByte([]byte(kv), ':')
				w.Header().Add(kv[:i], kv[i+1:])
			}
			if q.Get("nilct") == "1" {
				w.Header()["Content-Type"] = nil
			}
			var mod time.Time
			if m := q.Get("mod"); m != "" {
				n, _ := strconv.ParseInt(m, 10, 64)
				mod = time.Unix(n, 0)
			}
			body := q.Get("body")
			if body == "" {
				body = "Hello, World! 0123456789abcdefghijklmnopqrstuvwxyz"
			}
			http.ServeContent(w, r, q.Get("name"), mod, bytes.NewReader([]byte(body)))
		})
		h = mux
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	(&http.Server{Handler: h}).Serve(ln)
}
