// Runs before each test file is loaded: this run's own topics and consumer group, so runs can share a broker.
const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
process.env.STARTER_RUN ??= run;
process.env.TOPIC_PREFIX ??= `starter-${process.env.STARTER_RUN}.`;
