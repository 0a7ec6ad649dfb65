// Environment every Slice test starts from. Powertools stays quiet unless a test turns it up, and
// handlers validate their answers against the contract, as they do in the local cloud.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.SLICE_VALIDATE_RESPONSES ??= 'true';
process.env.AWS_REGION ??= 'us-east-1';
