// kafkajs 2.2 speaks only non-flexible protocol versions (Produce v7, Metadata v6, ListOffsets v3...).
// Creates a topic, produces with an idempotent producer, and prints the offsets the broker reports.
const { Kafka, logLevel, CompressionTypes } = require('kafkajs');

const [broker, topic] = process.argv.slice(2);
const kafka = new Kafka({ clientId: 'vltava-kafkajs-it', brokers: [broker], logLevel: logLevel.WARN });

(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const messages = [];
  for (let i = 0; i < 10; i++) {
    messages.push({ key: `k${i}`, value: `hello from kafkajs ${i}` });
  }
  await producer.send({ topic, acks: -1, messages });
  await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: [{ key: 'gz', value: 'gzipped by kafkajs' }] });
  await producer.disconnect();
  const offsets = await admin.fetchTopicOffsets(topic);
  console.log(`offsets ${JSON.stringify(offsets)}`);
  await admin.disconnect();
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
