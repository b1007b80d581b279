// Bench server: Go 1.23 net/http hello-world (run with GOMAXPROCS=1). Prints "listening on host:port".
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
)

func main() {
	port := "0"
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	if err != nil {
		panic(err)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "Hello World!")
	}))
}
