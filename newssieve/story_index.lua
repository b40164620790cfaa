-- newssieve story index: exact hashes, MinHash LSH band tables, clusters and feed
-- representatives, updated in ONE atomic call per article so that concurrent
-- workers can never miss each other's copies.
--
-- Keys are built from the prefix (standalone Redis; not for Redis Cluster).
-- ARGV[1] = mode ('index' | 'remove'), ARGV[2] = prefix, ARGV[3] = article id
-- index also takes: [4] signature bytes, [5] shingle count, [6] exact hash,
--   [7] published ts, [8] bands, [9] jaccard threshold, [10] containment threshold,
--   [11] min shingles for containment, [12] feeds (comma separated, 'all' included)
-- Returns for index: {status, cluster, match, jaccard, containment, canonical}

local mode, p, id = ARGV[1], ARGV[2], ARGV[3]
local akey = p .. 'article:' .. id

local function band_keys(sig, nbands)
  local keys = {}
  local width = math.floor(#sig / nbands)
  for b = 0, nbands - 1 do
    local chunk = string.sub(sig, b * width + 1, (b + 1) * width)
    keys[#keys + 1] = p .. 'lsh:' .. b .. ':' .. string.sub(redis.sha1hex(chunk), 1, 16)
  end
  return keys
end

local function split(csv)
  local out = {}
  for item in string.gmatch(csv or '', '[^,]+') do out[#out + 1] = item end
  return out
end

-- true when article a sorts before article b: earlier published, ties first seen
local function earlier(a, b)
  local fa = redis.call('HMGET', p .. 'article:' .. a, 'published_ts', 'seen_seq')
  local fb = redis.call('HMGET', p .. 'article:' .. b, 'published_ts', 'seen_seq')
  local ta, tb = tonumber(fa[1]) or 0, tonumber(fb[1]) or 0
  if ta ~= tb then return ta < tb end
  return (tonumber(fa[2]) or 0) < (tonumber(fb[2]) or 0)
end

local function has_feed(member, feed)
  for _, f in ipairs(split(redis.call('HGET', p .. 'article:' .. member, 'feeds'))) do
    if f == feed then return true end
  end
  return false
end

local function remove(nbands)
  local skey = p .. 'sig:' .. id
  local sig = redis.call('GET', skey)
  if not sig then return 0 end
  for _, key in ipairs(band_keys(sig, nbands)) do redis.call('SREM', key, id) end
  redis.call('DEL', skey)
  local exact = redis.call('HGET', akey, 'indexed_hash')
  if exact and redis.call('GET', p .. 'exact:' .. exact) == id then redis.call('DEL', p .. 'exact:' .. exact) end
  local cid = redis.call('HGET', akey, 'cluster')
  if cid then
    local ckey, rkey = p .. 'cluster:' .. cid, p .. 'rep:' .. cid
    redis.call('ZREM', ckey, id)
    local members = redis.call('ZRANGE', ckey, 0, -1)
    for _, feed in ipairs(split(redis.call('HGET', akey, 'feeds'))) do
      if redis.call('HGET', rkey, feed) == id then
        redis.call('ZREM', p .. 'feed:' .. feed, id)
        redis.call('HDEL', rkey, feed)
        local best = nil
        for _, m in ipairs(members) do
          if has_feed(m, feed) and (best == nil or earlier(m, best)) then best = m end
        end
        if best then
          redis.call('HSET', rkey, feed, best)
          redis.call('ZADD', p .. 'feed:' .. feed, redis.call('HGET', p .. 'article:' .. best, 'published_ts'), best)
        end
      end
    end
    if #members == 0 then redis.call('DEL', ckey, rkey) end
  end
  redis.call('HDEL', akey, 'cluster', 'match', 'jaccard', 'containment', 'indexed_hash')
  return 1
end

local function signature_similarity(sig, nsh, other)
  local osig = redis.call('GET', p .. 'sig:' .. other)
  if not osig or #osig ~= #sig then return nil end
  local equal, n = 0, #sig / 4
  for i = 1, #sig, 4 do
    if string.sub(sig, i, i + 3) == string.sub(osig, i, i + 3) then equal = equal + 1 end
  end
  local j = equal / n
  local osh = tonumber(redis.call('HGET', p .. 'article:' .. other, 'shingles')) or 0
  local smaller = math.min(nsh, osh)
  local containment = 0
  if smaller > 0 then containment = math.min(1, (j * (nsh + osh) / (1 + j)) / smaller) end
  return j, containment, smaller
end

local function index()
  local sig, nsh, exact, ts = ARGV[4], tonumber(ARGV[5]), ARGV[6], ARGV[7]
  local nbands, jthr, cthr, cmin = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
  local skey = p .. 'sig:' .. id
  if redis.call('EXISTS', skey) == 1 then
    if redis.call('HGET', akey, 'indexed_hash') == exact then
      local cid = redis.call('HGET', akey, 'cluster')
      return {'unchanged', cid, redis.call('HGET', akey, 'match') or '', redis.call('HGET', akey, 'jaccard') or '1',
              redis.call('HGET', akey, 'containment') or '1', redis.call('HGET', p .. 'rep:' .. cid, 'all') or id}
    end
    remove(nbands)
  end
  if not redis.call('HGET', akey, 'seen_seq') then
    redis.call('HSET', akey, 'seen_seq', redis.call('INCR', p .. 'seq'))
  end

  local best, best_j, best_c, best_score = nil, 0, 0, -1
  local ekey = p .. 'exact:' .. exact
  local twin = redis.call('GET', ekey)
  if twin and twin ~= id and redis.call('EXISTS', p .. 'sig:' .. twin) == 1 then
    best, best_j, best_c, best_score = twin, 1, 1, 2
  elseif not twin then
    redis.call('SET', ekey, id)
  end

  local seen = {}
  for _, key in ipairs(band_keys(sig, nbands)) do
    if not best or best_score < 2 then
      for _, member in ipairs(redis.call('SMEMBERS', key)) do
        if member ~= id and not seen[member] then
          seen[member] = true
          local j, c, smaller = signature_similarity(sig, nsh, member)
          if j and (j >= jthr or (smaller >= cmin and c >= cthr)) then
            local score = math.max(j, c)
            if score > best_score then best, best_j, best_c, best_score = member, j, c, score end
          end
        end
      end
    end
    redis.call('SADD', key, id)
  end
  redis.call('SET', skey, sig)

  local cid = id
  if best then cid = redis.call('HGET', p .. 'article:' .. best, 'cluster') or best end
  redis.call('ZADD', p .. 'cluster:' .. cid, ts, id)
  redis.call('HSET', akey, 'cluster', cid, 'match', best or '', 'jaccard', tostring(best_j),
             'containment', tostring(best_c), 'indexed_hash', exact)
  local rkey = p .. 'rep:' .. cid
  for _, feed in ipairs(split(ARGV[12])) do
    local rep = redis.call('HGET', rkey, feed)
    if not rep or (rep ~= id and earlier(id, rep)) then
      if rep then redis.call('ZREM', p .. 'feed:' .. feed, rep) end
      redis.call('HSET', rkey, feed, id)
      redis.call('ZADD', p .. 'feed:' .. feed, ts, id)
    end
  end
  local status = 'new'
  if best then status = 'duplicate' end
  return {status, cid, best or '', tostring(best_j), tostring(best_c), redis.call('HGET', rkey, 'all') or id}
end

if mode == 'index' then return index() end
if mode == 'remove' then return remove(tonumber(ARGV[4])) end
return redis.error_reply('unknown mode ' .. tostring(mode))
