const propagationDeadlineMs = 15_000;

/**
 * Runs `request` again while it fails with UNKNOWN_TOPIC_OR_PARTITION, for up to 15 s.
 *
 * Why: on a cluster, a topic just created is known to its leaders before every broker has its metadata, and
 * KafkaJS asks whichever broker it holds a connection to: that one may answer UNKNOWN_TOPIC_OR_PARTITION for
 * a moment (seen on a loaded machine for describeConfigs and for a consumer's subscribe, which then failed
 * the service's start). Any other error, or the same one after the deadline, is thrown.
 */
export async function untilTopicsKnown<T>(request: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + propagationDeadlineMs;
  for (;;) {
    try {
      return await request();
    } catch (error) {
      const unknown = (error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
      if (!unknown || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200)); // metadata propagates within a few hundred ms
    }
  }
}
