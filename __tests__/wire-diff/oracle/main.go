// The Go 1.23 side of nethttp's HTTP/1.1 reader differential test (__tests__/wire-diff). A plain net/http server
// with Go's default settings on 127.0.0.1:0 (it prints `listening on 127.0.0.1:<port>`), whose handler says what
// it was given, so that a framing or parsing difference shows in the answer:
//
//   - /hello… answers "hello\n" without reading the body (what Go does with an unread body then shows);
//   - every other path reads the whole body and echoes the request: method, target, protocol, host, r.Close,
//     ContentLength, TransferEncoding, the header fields, the body (or that reading it failed), the trailers.
//
// Bytes that are not printable ASCII are written as \xNN, so the answer is ASCII whatever came in. The same
// handler, written with nethttp's API, is __tests__/wire-diff/echo.ts; the driver is run.ts.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
)

func esc(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '\\' {
			fmt.Fprintf(&b, "\\x%02x", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func fields(b *strings.Builder, prefix string, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "%s%s=%s\n", prefix, esc(k), esc(strings.Join(h[k], "|")))
	}
}

func handler(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	if strings.HasPrefix(r.URL.Path, "/hello") {
		io.WriteString(w, "hello\n")
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "method=%s\nuri=%s\nproto=%s\nhost=%s\nclose=%v\ncl=%d\nte=%s\n", esc(r.Method), esc(r.RequestURI),
		esc(r.Proto), esc(r.Host), r.Close, r.ContentLength, esc(strings.Join(r.TransferEncoding, "|")))
	fields(&b, "h:", r.Header)
	body, err := io.ReadAll(r.Body)
	fmt.Fprintf(&b, "body=%d %s\nbodyerr=%v\n", len(body), esc(string(body)), err != nil)
	fields(&b, "t:", r.Trailer)
	io.WriteString(w, b.String())
}

// Flags, for checking timeouts and TLS by hand (the differential run uses none): -read-header-timeout 1s,
// -tls cert.pem,key.pem.
func main() {
	rht := flag.Duration("read-header-timeout", 0, "Server.ReadHeaderTimeout")
	certs := flag.String("tls", "", "cert.pem,key.pem: serve TLS")
	flag.Parse()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	srv := &http.Server{Handler: http.HandlerFunc(handler), ReadHeaderTimeout: *rht}
	if *certs != "" {
		cert, key, _ := strings.Cut(*certs, ",")
		err = srv.ServeTLS(ln, cert, key)
	} else {
		err = srv.Serve(ln)
	}
	fmt.Fprintln(os.Stderr, err)
}
