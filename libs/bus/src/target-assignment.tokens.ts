/** Injection token of TargetAssignmentModule (ADR 0001): the `TargetAssignment` of this replica. */
export const TARGET_ASSIGNMENT = 'TARGET_ASSIGNMENT';
