/** ablation.json's types live with the other evaluation reports, where the panel can read them. */
export type { AblationPoint, AblationSummary, ClassAblation, ClassVsOthers, MeanStd } from '../../shared/evaluation';
