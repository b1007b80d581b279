// The Go 1.23 reference for nethttp's text table (__tests__/text.golden.json): handlers that take text from every
// part of a request (path values, URL, query, forms, multipart names, cookies, headers, basic auth) and put text
// into every part of a response (body, headers, trailers, 1xx, cookies, redirects), so that the bytes Go sends can
// be compared with nethttp's on every carrier. __tests__/adapters/text-matrix.test.ts registers the same handlers.
// Re-record with __tests__/text.record.ts.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
)

func echo(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Value", r.PathValue("name"))
	h.Set("X-Path", r.URL.Path)
	h.Set("X-Query", r.URL.Query().Get("q"))
	h.Set("X-In", r.Header.Get("X-In"))
	fmt.Fprintf(w, "value=%s\npath=%s\nrawpath=%s\nquery=%s\nin=%s\nuri=%s\n",
		r.PathValue("name"), r.URL.Path, r.URL.RawPath, r.URL.Query().Get("q"), r.Header.Get("X-In"), r.RequestURI)
}

func form(w http.ResponseWriter, r *http.Request) {
	err := r.ParseMultipartForm(1 << 20)
	w.Header().Set("X-F", r.FormValue("f"))
	keys := make([]string, 0, len(r.Form))
	for k := range r.Form {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s=%s\n", k, strings.Join(r.Form[k], ","))
	}
	if r.MultipartForm != nil {
		fields := make([]string, 0, len(r.MultipartForm.File))
		for k := range r.MultipartForm.File {
			fields = append(fields, k)
		}
		sort.Strings(fields)
		for _, k := range fields {
			for _, fh := range r.MultipartForm.File[k] {
				fmt.Fprintf(w, "file %s=%s (%d)\n", k, fh.Filename, fh.Size)
			}
		}
	}
	fmt.Fprintf(w, "multipart error: %v\n", err != nil && err != http.ErrNotMultipart)
}

func cookie(w http.ResponseWriter, r *http.Request) {
	for _, c := range r.Cookies() {
		fmt.Fprintf(w, "%s=%s\n", c.Name, c.Value)
	}
	q := r.URL.Query()
	http.SetCookie(w, &http.Cookie{Name: "out", Value: q.Get("v"), Path: q.Get("p")})
}

func trailer(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Trailer", "X-T")
	io.WriteString(w, "body\n")
	w.Header().Set("X-T", r.URL.Query().Get("v"))
}

func hints(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Link", r.URL.Query().Get("v"))
	w.WriteHeader(http.StatusEarlyHints)
	io.WriteString(w, "hinted\n")
}

func header(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-V", r.URL.Query().Get("v"))
	io.WriteString(w, r.URL.Query().Get("v"))
}

func auth(w http.ResponseWriter, r *http.Request) {
	u, p, ok := r.BasicAuth()
	fmt.Fprintf(w, "%s|%s|%v\n", u, p, ok)
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /echo/{name}", echo)
	mux.HandleFunc("GET /café/{x}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "café "+r.PathValue("x")+"\n")
	})
	mux.HandleFunc("POST /form", form)
	mux.HandleFunc("GET /cookie", cookie)
	mux.HandleFunc("GET /redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("to"), http.StatusFound)
	})
	mux.HandleFunc("GET /trailer", trailer)
	mux.HandleFunc("GET /hints", hints)
	mux.HandleFunc("GET /hdr", header)
	mux.HandleFunc("GET /auth", auth)
	mux.Handle("/ü/", http.StripPrefix("/ü", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "stripped=%s\n", r.URL.Path)
	})))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	(&http.Server{Handler: mux}).Serve(ln)
}
