// Audit entries store fields under their code names; people read these words instead. A field
// not listed reads as its name split into words ("sessionsEnded" → "Sessions ended").
const FIELD_LABELS: Record<string, string> = {
  limit: "Limit",
  reservedHighValue: "High-value reserve",
  used: "Committed",
  held: "Held",
  confirmed: "Confirmed",
  periodStart: "Period start",
  availableGeneral: "Free (general)",
  availableHighValue: "Free (high-value)",
  ipAddress: "IP address",
  costPerContact: "Cost per contact",
  isActive: "Active",
  treatmentKey: "Treatment",
};

export function fieldLabel(field: string): string {
  const known = FIELD_LABELS[field];
  if (known) return known;
  const words = field.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/_/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
