package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"gorm.io/gorm"

	"incidentdb/models"
)

// keyPrefix marks our keys so that a leaked one is recognisable in logs and
// by secret scanners.
const keyPrefix = "idb_"

// Key is an API key as listed: never the key itself, which is shown once at
// creation and stored only as a hash.
type Key struct {
	Name       string      `json:"name"`
	Role       models.Role `json:"role"`
	CreatedAt  string      `json:"created_at"`
	LastUsedAt *string     `json:"last_used_at"`
	RevokedAt  *string     `json:"revoked_at"`
}

type keyRow struct {
	ID         int64   `gorm:"column:id;primaryKey"`
	Name       string  `gorm:"column:name"`
	Role       string  `gorm:"column:role"`
	Hash       string  `gorm:"column:hash"`
	CreatedAt  string  `gorm:"column:created_at"`
	LastUsedAt *string `gorm:"column:last_used_at"`
	RevokedAt  *string `gorm:"column:revoked_at"`
}

func (keyRow) TableName() string { return "api_keys" }

// hashKey is SHA-256: keys carry 256 random bits, so a slow password hash
// would add cost on every request without adding safety.
func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// CreateKey makes a new random key for name with role and returns it; only
// its hash is stored. A name any key has had, revoked or not, is a
// Conflict: revisions record the key's name as who made a change, so one
// name must always mean one key.
func (s *Store) CreateKey(ctx context.Context, name string, role models.Role) (string, error) {
	name = strings.TrimSpace(name)
	var fe models.FieldErrors
	if name == "" || len(name) > 100 || strings.ContainsAny(name, "\r\n\t") {
		fe.Add("name", "must be 1 to 100 characters on one line")
	}
	if !role.Valid() {
		fe.Add("role", "must be one of %s", strings.Join(models.Names(models.Roles), ", "))
	}
	if err := fe.Err("the key is not valid"); err != nil {
		return "", err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	key := keyPrefix + base64.RawURLEncoding.EncodeToString(raw)
	err := s.w.WithContext(ctx).Create(&keyRow{Name: name, Role: string(role), Hash: hashKey(key),
		CreatedAt: formatTime(s.now())}).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return "", models.FieldErrorf(models.Conflict, "a key has had this name already", "name", "names are never reused, so that the history's actors each name one key; choose another name")
	}
	return key, internal("create key", err)
}

// ListKeys lists every key, live and revoked, by name.
func (s *Store) ListKeys(ctx context.Context) ([]Key, error) {
	var rows []keyRow
	if err := s.r.WithContext(ctx).Order("name, id").Find(&rows).Error; err != nil {
		return nil, internal("list keys", err)
	}
	out := make([]Key, len(rows))
	for i, r := range rows {
		out[i] = Key{Name: r.Name, Role: models.Role(r.Role), CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt}
	}
	return out, nil
}

// RevokeKey ends the live key called name at once: Authenticate reads the
// database on every request, so a running server stops accepting it on the
// next one.
func (s *Store) RevokeKey(ctx context.Context, name string) error {
	res := s.w.WithContext(ctx).Model(&keyRow{}).Where("name = ? AND revoked_at IS NULL", name).
		Update("revoked_at", formatTime(s.now()))
	if res.Error != nil {
		return internal("revoke key", res.Error)
	}
	if res.RowsAffected == 0 {
		return models.Errorf(models.NotFound, "no live key is called %q", name)
	}
	return nil
}

// Authenticate returns the name and role of a live key, or Unauthorized.
func (s *Store) Authenticate(ctx context.Context, key string) (string, models.Role, error) {
	unauthorized := models.Errorf(models.Unauthorized, "the key is not valid or has been revoked")
	if !strings.HasPrefix(key, keyPrefix) || len(key) > 200 {
		return "", "", unauthorized
	}
	h := hashKey(key)
	var rows []keyRow
	if err := s.r.WithContext(ctx).Where("hash = ? AND revoked_at IS NULL", h).Limit(1).Find(&rows).Error; err != nil {
		return "", "", internal("authenticate", err)
	}
	if len(rows) == 0 || subtle.ConstantTimeCompare([]byte(rows[0].Hash), []byte(h)) != 1 {
		return "", "", unauthorized
	}
	s.touchKey(rows[0].ID)
	return rows[0].Name, models.Role(rows[0].Role), nil
}

// touchKey records that a key was used, at most once a minute per key and
// off the request's path, so that reads never wait for a write.
func (s *Store) touchKey(id int64) {
	now := s.now()
	if last, ok := s.keyUse.Load(id); ok && now.Sub(last.(time.Time)) < time.Minute {
		return
	}
	s.keyUse.Store(id, now)
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.w.WithContext(ctx).Model(&keyRow{}).Where("id = ?", id).Update("last_used_at", formatTime(now))
	}()
}
