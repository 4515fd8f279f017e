/** Reading is one validated sensor reading, normalised to °C. */
export interface Reading {
  /** The device's identifier (sensors.external_id), as the device reports it. */
  sensorId: string;
  recordedAt: Date;
  temperatureC: number;
  humidityPct: number | null;
  batteryPct: number | null;
  doorOpen: boolean | null;
}

/** ReadingRejection names why one reading of a batch was refused. */
export interface ReadingRejection {
  index: number;
  field: string;
  reason: string;
}
