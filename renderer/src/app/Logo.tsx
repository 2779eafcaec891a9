/** The app mark: three linked nodes, in the Breeze highlight colour. */
export function Logo({ size = 26 }: { size?: number }) {
  return (
    <svg className="logo" width={size} height={size} viewBox="0 0 32 32" aria-hidden focusable="false">
      <rect x="1" y="1" width="30" height="30" rx="7" fill="var(--nn-highlight)" />
      <path d="M9 22 16 9l7 13Z" fill="none" stroke="#fff" strokeWidth="2" strokeLinejoin="round" />
      <circle cx="16" cy="9" r="3.2" fill="#fff" />
      <circle cx="9" cy="22" r="3.2" fill="#fff" />
      <circle cx="23" cy="22" r="3.2" fill="#fff" />
    </svg>
  );
}
