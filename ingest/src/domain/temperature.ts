/** Temperatures are stored and evaluated in °C; devices may report °F. */
export function fahrenheitToCelsius(f: number): number {
  return ((f - 32) * 5) / 9;
}

export function celsiusToFahrenheit(c: number): number {
  return (c * 9) / 5 + 32;
}

/** formatTemperature renders "9.2 °C (48.6 °F)" for alert text people read in either scale. */
export function formatTemperature(c: number): string {
  return `${c.toFixed(1)} °C (${celsiusToFahrenheit(c).toFixed(1)} °F)`;
}
