/**
 * URL parameters of ClickHouse's HTTP interface that are not settings: the HTTP layer reads them
 * (https://clickhouse.com/docs/interfaces/http). `param_*`, `<table>_format|_structure|_types`
 * (external data) are recognised by shape.
 */
export const HTTP_PARAMETERS: ReadonlySet<string> = new Set([
  'query', 'database', 'default_format', 'query_id', 'session_id', 'session_timeout', 'session_check',
  'user', 'password', 'quota_key', 'compress', 'decompress', 'client_protocol_version', 'buffer_size',
  'wait_end_of_query', 'enable_http_compression', 'http_zlib_compression_level',
  'send_progress_in_http_headers', 'http_headers_progress_interval_ms', 'http_response_buffer_size',
  'http_native_compression_disable_checksumming_on_decompress', 'network_compression_method', 'network_zstd_compression_level', 'cancel_http_readonly_queries_on_client_close',
]);

/**
 * Settings a client may set per query (the allow-list): limits, output formatting, the analyzer
 * and join behaviour that BI tools and Grafana's plugin touch. Anything else — storage, insert
 * and server-wide knobs, `readonly` downwards — is refused with SETTING_CONSTRAINT_VIOLATION,
 * because this interface shares one embedded engine with the event-writer.
 */
const ALLOWED_EXACT = [
  'max_execution_time', 'max_result_rows', 'max_result_bytes', 'result_overflow_mode', 'max_rows_to_read',
  'max_bytes_to_read', 'read_overflow_mode', 'max_memory_usage', 'max_threads', 'max_block_size',
  'timeout_overflow_mode', 'max_rows_to_group_by', 'group_by_overflow_mode', 'max_bytes_before_external_group_by',
  'max_bytes_before_external_sort', 'max_rows_to_sort', 'sort_overflow_mode', 'max_ast_elements', 'max_expanded_ast_elements',
  'max_query_size', 'join_use_nulls', 'join_algorithm', 'any_join_distinct_right_table_keys', 'joined_subquery_requires_alias',
  'prefer_column_name_to_alias', 'enable_analyzer', 'allow_experimental_analyzer', 'extremes', 'totals_mode',
  'use_query_cache', 'session_timezone', 'date_time_output_format', 'date_time_input_format', 'limit', 'offset',
  'aggregate_functions_null_for_empty', 'transform_null_in', 'cast_keep_nullable', 'allow_suspicious_low_cardinality_types',
  'optimize_move_to_prewhere', 'force_primary_key', 'force_index_by_date', 'use_skip_indexes', 'log_comment',
  'readonly', 'allow_experimental_object_type', 'allow_experimental_json_type', 'allow_experimental_variant_type',
  'allow_experimental_dynamic_type', 'http_max_field_value_size', 'max_partitions_to_read', 'insert_deduplicate',
  'insert_deduplication_token', 'async_insert', 'wait_for_async_insert', 'deduplicate_blocks_in_dependent_materialized_views',
  'materialize_ttl_after_modify', 'mutations_sync', 'alter_sync',
];

const ALLOWED: ReadonlySet<string> = new Set(ALLOWED_EXACT);

/** Output and input format options (`output_format_*`, `format_*`, `input_format_*`) only shape the bytes of one answer. */
const ALLOWED_PREFIXES = ['output_format_', 'input_format_', 'format_'];

export function isAllowedSetting(name: string): boolean {
  return ALLOWED.has(name) || ALLOWED_PREFIXES.some((p) => name.startsWith(p));
}

