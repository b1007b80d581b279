// Bench peer: Go 1.23 net/http for bench/workloads.ts (run with GOMAXPROCS=1).
// Usage: peers WORKLOAD [ARG] PORT, WORKLOAD one of hello, api ROUTES_JSON, static DIR, upload.
// Prints "listening on host:port". See bench/peers/workload.ts for what each workload answers.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
)

type item struct {
	Title  string   `json:"title"`
	Labels []string `json:"labels"`
	N      int      `json:"n"`
}

type reply struct {
	Route  string            `json:"route"`
	Params map[string]string `json:"params"`
	Page   int               `json:"page"`
	Body   *item             `json:"body,omitempty"`
}

type route struct {
	Method  string   `json:"method"`
	Route   string   `json:"route"`
	Pattern string   `json:"pattern"`
	Names   []string `json:"names"`
	HasBody bool     `json:"hasBody"`
}

func apiHandler(rt route) http.HandlerFunc {
	status := http.StatusOK
	if rt.Method == "POST" {
		status = http.StatusCreated
	}
	return func(w http.ResponseWriter, r *http.Request) {
		out := reply{Route: rt.Route, Params: make(map[string]string, len(rt.Names)), Page: 1}
		for _, n := range rt.Names {
			out.Params[n] = r.PathValue(n)
		}
		if p, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil {
			out.Page = p
		}
		if rt.HasBody {
			var it item
			if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&it); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			out.Body = &it
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(out)
	}
}

func main() {
	args := os.Args[1:]
	port := args[len(args)-1]
	var h http.Handler
	switch args[0] {
	case "hello":
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "Hello World!") })
	case "api":
		data, err := os.ReadFile(args[1])
		if err != nil {
			panic(err)
		}
		var routes []route
		if err := json.Unmarshal(data, &routes); err != nil {
			panic(err)
		}
		mux := http.NewServeMux()
		for _, rt := range routes {
			mux.HandleFunc(rt.Pattern, apiHandler(rt))
		}
		h = mux
	case "static":
		h = http.FileServer(http.Dir(args[1]))
	case "upload":
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n, _ := io.Copy(io.Discard, r.Body)
			io.WriteString(w, strconv.FormatInt(n, 10))
		})
	default:
		panic("unknown workload " + args[0])
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		panic(err)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	http.Serve(ln, h)
}
