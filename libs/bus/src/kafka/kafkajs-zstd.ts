import { promisify } from 'node:util';
import { zstdCompress, zstdDecompress } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';

const compress = promisify(zstdCompress);
const decompress = promisify(zstdDecompress);

/**
 * kafkajs ships gzip only and leaves the other Kafka codecs to plug-ins (its
 * CompressionCodecs registry). Node 24 has zstd in zlib (the libzstd it bundles), so the
 * kafkajs adapter gets `bus.kafka.producer.compression: zstd` — and, as important, can read
 * record batches a @platformatic/kafka producer (or any other) wrote with zstd — from a codec
 * of a few lines rather than another dependency. Both run on libuv's thread pool, not on the
 * event loop. Registered once, when this module is first imported.
 */
CompressionCodecs[CompressionTypes.ZSTD] = () => ({
  compress: (encoder: { buffer: Buffer }) => compress(encoder.buffer),
  decompress: (buffer: Buffer) => decompress(buffer),
});
