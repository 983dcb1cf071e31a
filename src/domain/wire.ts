/**
 * Field names on the wire (JSON, CSV, history) are the upstream snake_case column names; the
 * entities use camelCase. History rows and the JSON presenter must agree, so both use this.
 *
 * badgePercentageBaseline1 -> badge_percentage_baseline_1
 */
export function snakeCase(name: string): string {
  return name.replace(/([A-Z])/g, '_$1').replace(/(\d+)/g, '_$1').toLowerCase();
}
