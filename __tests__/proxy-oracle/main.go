// The Go 1.23 reference for nethttp's ReverseProxy (__tests__/proxy.golden.json). Two roles:
//
//	-role backend               a server that answers each kind of response the proxy must pass on (plain,
//	                            streamed, event stream, trailers, large, 204, 304, 1xx first, an upgrade taken or
//	                            declined, a body refused) and keeps what it saw of each
//	                            request (its view), served at /__seen?case=ID
//	-role proxy -backend A -dead D
//	                            httputil.NewSingleHostReverseProxy to http://A/base, a Rewrite proxy
//	                            (SetURL + SetXForwarded) under /rw/, and a proxy to the closed address D under /down/
//
// __tests__/httputil/proxy-backend.ts is the same backend in TypeScript and __tests__/httputil/proxy-diff.test.ts
// the same proxies; __tests__/proxy.record.ts re-records the goldens.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

var (
	mu   sync.Mutex
	seen = map[string]string{}
)

// view is what the backend saw of a request, after the body and its trailers were read.
func view(r *http.Request, body []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s\n", r.Method, r.RequestURI, r.Proto)
	fmt.Fprintf(&b, "Host: %s\n", r.Host)
	fmt.Fprintf(&b, "ContentLength: %d\n", r.ContentLength)
	fmt.Fprintf(&b, "TransferEncoding: %s\n", strings.Join(r.TransferEncoding, ","))
	writeSorted(&b, r.Header)
	fmt.Fprintf(&b, "\n%s\n", body)
	writeSorted(&b, r.Trailer)
	return b.String()
}

func writeSorted(b *strings.Builder, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if len(h[k]) == 0 {
			// A trailer announced in the head that came with no value.
			fmt.Fprintf(b, "%s (no value)\n", k)
		}
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s: %s\n", k, v)
		}
	}
}

func backend(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/__seen" {
		mu.Lock()
		v, ok := seen[r.URL.Query().Get("case")]
		mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, v)
		return
	}
	var body []byte
	if path.Base(r.URL.Path) != "reject" {
		body, _ = io.ReadAll(r.Body)
	}
	mu.Lock()
	seen[r.Header.Get("X-Case")] = view(r, body)
	mu.Unlock()
	h := w.Header()
	flusher := w.(http.Flusher)
	switch path.Base(r.URL.Path) {
	case "plain":
		h.Set("Connection", "X-Hop")
		h.Set("X-Hop", "hop")
		h.Set("Keep-Alive", "timeout=5")
		h.Set("Proxy-Authenticate", "Basic")
		h.Set("X-End", "kept")
		h.Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintf(w, "plain %s\n", r.URL.Path)
	case "post":
		fmt.Fprintf(w, "got %d bytes: %s\n", len(body), body)
	case "stream":
		for i := 0; i < 3; i++ {
			fmt.Fprintf(w, "part %d\n", i)
			flusher.Flush()
			time.Sleep(100 * time.Millisecond)
		}
	case "empty-stream":
		flusher.Flush()
	case "sse":
		h.Set("Content-Type", "text/event-stream")
		h.Set("Content-Length", "18")
		io.WriteString(w, "data: 1\n\n")
		flusher.Flush()
		time.Sleep(100 * time.Millisecond)
		io.WriteString(w, "data: 2\n\n")
	case "trailers":
		h.Set("Trailer", "X-Announced")
		io.WriteString(w, "body")
		h.Set("X-Announced", "a")
	case "trailers-extra":
		h.Set("Trailer", "X-Announced")
		io.WriteString(w, "body")
		h.Set("X-Announced", "a")
		h.Set(http.TrailerPrefix+"X-Surprise", "s")
	case "big":
		h.Set("Content-Length", "100000")
		chunk := strings.Repeat("0123456789", 100)
		for i := 0; i < 100; i++ {
			io.WriteString(w, chunk)
		}
	case "upgrade":
		// A protocol of its own: the 101 head, then one line answered, then the end.
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: x-echo\r\nX-Back: 1\r\n\r\n")
		brw.Flush()
		line, _ := brw.ReadString('\n')
		conn.Write([]byte("pong:" + line))
	case "hints":
		// Two informational responses before the final one; the map keeps what each added.
		h.Add("Link", "</a.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
		h.Add("Link", "</b.js>; rel=preload; as=script")
		w.WriteHeader(http.StatusEarlyHints)
		h.Set("Content-Type", "text/plain")
		io.WriteString(w, "hinted\n")
	case "hints6":
		// One informational response more than a Go client takes.
		for i := 0; i < 6; i++ {
			h.Set("Link", fmt.Sprintf("</%d.css>; rel=preload", i))
			w.WriteHeader(http.StatusEarlyHints)
		}
		io.WriteString(w, "too late\n")
	case "continue":
		// A 100 Continue nobody asked for (the request has no Expect), then the answer.
		w.WriteHeader(http.StatusContinue)
		io.WriteString(w, "continued\n")
	case "reject":
		// Answered without reading the body the client announced with Expect: 100-continue.
		w.WriteHeader(http.StatusExpectationFailed)
		io.WriteString(w, "rejected\n")
	case "decline":
		// An upgrade request answered without switching.
		h.Set("Connection", "close")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, "declined\n")
	case "decline-ok":
		io.WriteString(w, "no switch\n")
	case "204":
		w.WriteHeader(http.StatusNoContent)
	case "304":
		h.Set("Etag", `"v1"`)
		w.WriteHeader(http.StatusNotModified)
	default:
		http.NotFound(w, r)
	}
}

func main() {
	role := flag.String("role", "backend", "backend or proxy")
	back := flag.String("backend", "", "the backend's host:port (proxy role)")
	dead := flag.String("dead", "", "a closed host:port (proxy role)")
	flag.Parse()
	var handler http.Handler
	if *role == "backend" {
		handler = http.HandlerFunc(backend)
	} else {
		target, _ := url.Parse("http://" + *back + "/base")
		plain, _ := url.Parse("http://" + *back)
		mux := http.NewServeMux()
		mux.Handle("/", httputil.NewSingleHostReverseProxy(target))
		mux.Handle("/rw/", &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(plain)
			pr.SetXForwarded()
		}})
		down, _ := url.Parse("http://" + *dead)
		mux.Handle("/down/", httputil.NewSingleHostReverseProxy(down))
		handler = mux
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	http.Serve(ln, handler)
}
