/**
 * For Selects inside a modal: the menu opens in a layer above the modal, so the modal's scrolling
 * body never clips it.
 */
export const menuAboveModal = {
  menuPortalTarget: typeof document === 'undefined' ? null : document.body,
  styles: { menuPortal: (base: object) => ({ ...base, zIndex: 1000 }) },
} as const;
