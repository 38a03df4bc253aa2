// Tables of the commissions module.
export {};
