module godecls
go 1.23
