// clickhouse-go-probe runs queries through github.com/ClickHouse/clickhouse-go/v2 over HTTP —
// the driver inside Grafana's ClickHouse data source — with the options the plugin builds
// (pkg/plugin/driver.go: Protocol HTTP, gzip, custom settings, clickhouse.OpenDB), and prints
// what the driver decoded as JSON. The jest specs of services/standalone drive it against
// `sonde up`'s ClickHouse HTTP interface.
//
// stdin:  {"queries": [{"id": "...", "sql": "...", "settings": {...}, "queryId": "..."}]}
// stdout: {"ping": "ok"|"<error>", "results": [{"id", "columns", "rows", "error", "exception"}]}
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"reflect"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

type query struct {
	ID       string         `json:"id"`
	SQL      string         `json:"sql"`
	Settings map[string]any `json:"settings,omitempty"`
	QueryID  string         `json:"queryId,omitempty"`
	// Exec runs a statement without rows (DDL, INSERT … VALUES).
	Exec bool `json:"exec,omitempty"`
	// Insert sends Rows as one batch (`INSERT INTO t (…)` prepared in a transaction: the
	// driver's httpBatch, Native blocks in the body, compressed as the connection is).
	Insert [][]any `json:"insert,omitempty"`
}

type column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type exception struct {
	Code    int32  `json:"code"`
	Name    string `json:"name"`
	Message string `json:"message"`
}

type result struct {
	ID      string     `json:"id"`
	Columns []column   `json:"columns,omitempty"`
	Rows    [][]any    `json:"rows"`
	Error   string     `json:"error,omitempty"`
	Code    *exception `json:"exception,omitempty"`
}

type output struct {
	Ping    string   `json:"ping"`
	Results []result `json:"results"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8123", "host:port of the HTTP interface")
	database := flag.String("database", "sonde", "default database")
	user := flag.String("user", "default", "user")
	password := flag.String("password", "", "password")
	compression := flag.String("compression", "gzip", "none | gzip | deflate | br | lz4 | zstd (the plugin uses gzip over HTTP; lz4 and zstd are ClickHouse's block compression, compress=1/decompress=1)")
	level := flag.Int("level", 0, "compression level (zstd: network_zstd_compression_level)")
	httpCompression := flag.Bool("http-compression", false, "also set enable_http_compression=1 so the server compresses answers")
	flag.Parse()

	var in struct {
		Queries []query `json:"queries"`
	}
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fail(fmt.Errorf("stdin: %w", err))
	}
	methods := map[string]clickhouse.CompressionMethod{
		"none": clickhouse.CompressionNone, "gzip": clickhouse.CompressionGZIP,
		"deflate": clickhouse.CompressionDeflate, "br": clickhouse.CompressionBrotli,
		"lz4": clickhouse.CompressionLZ4, "zstd": clickhouse.CompressionZSTD,
	}
	method, ok := methods[*compression]
	if !ok {
		fail(fmt.Errorf("-compression %q: expected none, gzip, deflate, br, lz4 or zstd", *compression))
	}
	settings := clickhouse.Settings{}
	if *httpCompression {
		settings["enable_http_compression"] = 1
	}
	db := clickhouse.OpenDB(&clickhouse.Options{
		Addr:        []string{*addr},
		Auth:        clickhouse.Auth{Database: *database, Username: *user, Password: *password},
		Protocol:    clickhouse.HTTP,
		Compression: &clickhouse.Compression{Method: method, Level: *level},
		DialTimeout: 10 * time.Second,
		ReadTimeout: 60 * time.Second,
		Settings:    settings,
	})
	defer db.Close()

	out := output{Ping: "ok", Results: []result{}}
	ctx := context.Background()
	if err := db.PingContext(ctx); err != nil {
		out.Ping = err.Error()
	}
	for _, q := range in.Queries {
		out.Results = append(out.Results, run(ctx, db, q))
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		fail(err)
	}
}

func run(ctx context.Context, db *sql.DB, q query) result {
	r := result{ID: q.ID, Rows: [][]any{}}
	opts := []clickhouse.QueryOption{}
	if len(q.Settings) > 0 {
		opts = append(opts, clickhouse.WithSettings(clickhouse.Settings(q.Settings)))
	}
	if q.QueryID != "" {
		opts = append(opts, clickhouse.WithQueryID(q.QueryID))
	}
	qctx := clickhouse.Context(ctx, opts...)
	if q.Insert != nil {
		return insert(qctx, db, q, r)
	}
	if q.Exec {
		if _, err := db.ExecContext(qctx, q.SQL); err != nil {
			return withError(r, err)
		}
		return r
	}
	rows, err := db.QueryContext(qctx, q.SQL)
	if err != nil {
		return withError(r, err)
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return withError(r, err)
	}
	for _, t := range types {
		r.Columns = append(r.Columns, column{Name: t.Name(), Type: t.DatabaseTypeName()})
	}
	for rows.Next() {
		dest := make([]any, len(types))
		for i, t := range types {
			dest[i] = reflect.New(t.ScanType()).Interface()
		}
		if err := rows.Scan(dest...); err != nil {
			return withError(r, err)
		}
		row := make([]any, len(dest))
		for i, d := range dest {
			row[i] = jsonValue(reflect.ValueOf(d).Elem().Interface())
		}
		r.Rows = append(r.Rows, row)
	}
	if err := rows.Err(); err != nil {
		return withError(r, err)
	}
	return r
}

func insert(ctx context.Context, db *sql.DB, q query, r result) result {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return withError(r, err)
	}
	stmt, err := tx.PrepareContext(ctx, q.SQL)
	if err != nil {
		_ = tx.Rollback()
		return withError(r, err)
	}
	defer stmt.Close()
	for _, row := range q.Insert {
		if _, err := stmt.ExecContext(ctx, row...); err != nil {
			_ = tx.Rollback()
			return withError(r, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return withError(r, err)
	}
	return r
}

// jsonValue keeps numbers, strings, bools, maps and slices as JSON has them; times as epoch ms;
// 64-bit and wider integers as strings (no precision loss in the jest side).
func jsonValue(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		return x.UnixMilli()
	case *time.Time:
		if x == nil {
			return nil
		}
		return x.UnixMilli()
	case int64, uint64:
		return fmt.Sprint(x)
	case *big.Int:
		return x.String()
	case fmt.Stringer:
		return x.String()
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer:
		if rv.IsNil() {
			return nil
		}
		return jsonValue(rv.Elem().Interface())
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = jsonValue(rv.Index(i).Interface())
		}
		return out
	case reflect.Map:
		out := map[string]any{}
		for _, k := range rv.MapKeys() {
			out[fmt.Sprint(k.Interface())] = jsonValue(rv.MapIndex(k).Interface())
		}
		return out
	}
	return v
}

func withError(r result, err error) result {
	r.Error = err.Error()
	var ex *clickhouse.Exception
	if errors.As(err, &ex) {
		r.Code = &exception{Code: ex.Code, Name: ex.CodeName, Message: ex.Message}
	}
	return r
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "clickhouse-go-probe:", err)
	os.Exit(2)
}
