// The Go 1.23 side of nethttp's ServeMux differential test (__tests__/servemux-diff). It reads route tables with
// their requests, one JSON object a line on stdin, and answers each line on stdout with what Go's own ServeMux
// did: the outcome of every registration (nil, or the panic's text) and, per request, the status, Location,
// Allow and body the mux wrote, the pattern ServeMux.Handler reports, and which handler ran with which pattern
// and path values.
//
// Strings that are bytes (methods, hosts, request targets, and everything written back) travel as JSON strings
// whose characters are bytes (U+0000..U+00FF, one per byte), so no invalid UTF-8 is ever replaced; patterns are
// text and travel as ordinary UTF-8 JSON strings.
//
// Build and run with any Go 1.23 toolchain: `go run main.go < cases.jsonl`. The driver is run.ts next to it.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"unicode/utf8"
)

type table struct {
	ID       string      `json:"id"`
	Patterns []string    `json:"patterns"`
	Requests [][3]string `json:"requests"` // method, Host header, request-target (byte strings)
}

type echo struct {
	H       int
	Pattern string
	Values  []string
	Panic   string
}

// bytesOf turns a JSON byte string (characters U+0000..U+00FF) back into its bytes.
func bytesOf(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			panic(fmt.Sprintf("not a byte string: %q", s))
		}
		b = append(b, byte(r))
	}
	return string(b)
}

// jsonBytes writes s as a JSON string of bytes: printable ASCII as is, every other byte as \u00XX.
func jsonBytes(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(b, "\\u%04x", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

var wildcard = regexp.MustCompile(`\{([^{}]*)\}`)

// names lists a pattern's wildcard names in order, as the TypeScript side computes them (wildcardNames in
// __tests__/conformance/mux-echo-server.ts).
func names(pattern string) []string {
	var out []string
	for _, m := range wildcard.FindAllStringSubmatch(pattern, -1) {
		n := strings.TrimSuffix(m[1], "...")
		if n != "$" {
			out = append(out, n)
		}
	}
	return out
}

func register(mux *http.ServeMux, pattern string, h http.Handler) (msg *string) {
	defer func() {
		if v := recover(); v != nil {
			s := fmt.Sprint(v)
			msg = &s
		}
	}()
	mux.Handle(pattern, h)
	return nil
}

func run(t table) string {
	mux := http.NewServeMux()
	var seen *echo
	var b strings.Builder
	fmt.Fprintf(&b, `{"id":%q,"reg":[`, t.ID)
	for i, p := range t.Patterns {
		i, ns := i, names(p)
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen = &echo{H: i, Pattern: r.Pattern}
			defer func() {
				// Go's PathValue can panic when a pattern is matched without all of its wildcards' values; the
				// values not read stay "".
				if v := recover(); v != nil {
					seen.Panic = fmt.Sprint(v)
				}
			}()
			seen.Values = make([]string, len(ns))
			for k, n := range ns {
				seen.Values[k] = r.PathValue(n)
			}
		})
		if i > 0 {
			b.WriteByte(',')
		}
		if msg := register(mux, p, h); msg == nil {
			b.WriteString("null")
		} else {
			jsonBytes(&b, *msg)
		}
	}
	b.WriteString(`],"res":[`)
	for i, q := range t.Requests {
		if i > 0 {
			b.WriteByte(',')
		}
		method, host, target := bytesOf(q[0]), bytesOf(q[1]), bytesOf(q[2])
		raw := method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil {
			b.WriteString(`{"bad":true}`)
			continue
		}
		_, hpat := mux.Handler(r)
		seen = nil
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		fmt.Fprintf(&b, `{"code":%d,"location":`, rec.Code)
		jsonBytes(&b, rec.Header().Get("Location"))
		b.WriteString(`,"allow":`)
		jsonBytes(&b, rec.Header().Get("Allow"))
		b.WriteString(`,"handlerPattern":`)
		jsonBytes(&b, hpat)
		if seen == nil {
			b.WriteString(`,"body":`)
			jsonBytes(&b, rec.Body.String())
		} else {
			fmt.Fprintf(&b, `,"h":%d,"pattern":`, seen.H)
			jsonBytes(&b, seen.Pattern)
			b.WriteString(`,"values":[`)
			for k, v := range seen.Values {
				if k > 0 {
					b.WriteByte(',')
				}
				jsonBytes(&b, v)
			}
			b.WriteByte(']')
			if seen.Panic != "" {
				b.WriteString(`,"panic":`)
				jsonBytes(&b, seen.Panic)
			}
		}
		b.WriteByte('}')
	}
	b.WriteString("]}")
	return b.String()
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var t table
		if err := json.Unmarshal(in.Bytes(), &t); err != nil {
			fmt.Fprintln(os.Stderr, "bad input line:", err)
			os.Exit(2)
		}
		for _, p := range t.Patterns {
			if !utf8.ValidString(p) {
				fmt.Fprintln(os.Stderr, "pattern is not UTF-8:", p)
				os.Exit(2)
			}
		}
		out.WriteString(run(t))
		out.WriteByte('\n')
		// Line by line, so that a driver can talk to one process (the live mode's minimizer does).
		out.Flush()
	}
}
